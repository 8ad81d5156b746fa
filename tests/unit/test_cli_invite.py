"""An operator invites a tenant's first coordinator from the command line: a staff member in
intake's directory and a sign-in e-mail on its way through the outbox."""

from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner

from services import cli


def test_an_operator_invites_a_tenants_first_coordinator(tmp_path, monkeypatch):
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    run = CliRunner()
    assert run.invoke(cli.main, ["tenant", "create", "saco", "Saco"]).exit_code == 0
    invited = run.invoke(cli.main, ["tenant", "invite", "saco", "Anna@Saco.se", "Anna Lind", "--locale", "fi"])
    assert invited.exit_code == 0, invited.output

    from services.intake import store
    from services.shared.db import create_engine

    engine = create_engine(cli.settings_for("intake").database_url)
    with engine.connect() as conn:
        member = conn.execute(sa.select(store.staff)).mappings().one()
        types = [r.type for r in conn.execute(sa.text("select type from outbox"))]
    assert (member["email"], member["role"], member["locale"], member["tenant"]) == ("anna@saco.se", "coordinator", "fi", "saco")
    assert "staff.sign_in_requested.v1" in types

    again = run.invoke(cli.main, ["tenant", "invite", "saco", "anna@saco.se", "Anna Lind"])
    unknown = run.invoke(cli.main, ["tenant", "invite", "akavia", "kim@akavia.se", "Kim"])
    assert again.exit_code != 0 and "already" in again.output
    assert unknown.exit_code != 0 and "tandem tenant create" in unknown.output
