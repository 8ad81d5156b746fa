"""Erasure leaves no personal data of the person in intake's tables."""

import sqlalchemy as sa

from services.intake import store
from services.intake.domain.erasure import email_hash
from services.shared import outbox
from tests.intake.conftest import mentee, mentor
from tests.skeleton import expect


class _Published:
    def publish_batch(self, items):
        return [True] * len(items)

    def idle(self, seconds):
        pass

    def close(self):
        pass


def _everything(engine) -> str:
    """Every value of every intake table, as one text."""
    with engine.connect() as conn:
        return "\n".join(repr(tuple(row)) for table in store.metadata.sorted_tables for row in conn.execute(sa.select(table)))


def test_erasure_leaves_no_personal_data_of_the_person_in_intakes_tables(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator, member_organisations=[{"id": "skatteverket", "name": "Skatteverket"}])
    cohort = intake.cohort(coordinator, programme["id"])
    person = mentee(1, name="Leyla Haddad", email="leyla.haddad@example.se", phone="+46 70 123 45 67",
                    interests="Leyla vill arbeta med migrationsrätt", employer="Haddad Consulting")
    applied = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", person, None), 201)
    expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentor(1), None), 201)
    expect(intake.send("POST", f"/intake/surveys/midpoint?token={applied['manage_token']}",
                       {"answers": {"meaningful": True, "comments": "Leyla här: tack!"}}, None), 201)
    rep = intake.representative("saco", "skatteverket")
    expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/nominations",
                       {"name": "Leyla Haddad", "email": "leyla.haddad@example.se", "rank": 1, "note": "Leyla är bra"}, rep), 201)
    # some events went out already, some are still pending
    relay = outbox.OutboxRelay("intake", intake.engine, store.OUTBOX, _Published, batch=3)
    relay.run_once()
    assert "leyla.haddad@example.se" in _everything(intake.engine)

    erased = expect(intake.send("POST", "/intake/erasures", {"email": "Leyla.Haddad@example.se"}, coordinator), 201)
    assert (erased["applications"], erased["nominations"]) == (1, 1)

    everything = _everything(intake.engine)
    for trace in ("leyla.haddad@example.se", "Leyla Haddad", "Haddad", "Leyla", "+46 70 123 45 67", "Haddad Consulting", "migrationsrätt"):
        assert trace not in everything, f"{trace!r} is still in intake's tables"
    request = intake.events("person.erasure_requested")[0]["data"]
    assert request["email_sha256"] == email_hash("leyla.haddad@example.se")
    assert request["application_ids"] == [applied["id"]]
    # the other people are untouched, and the figures keep the closed answers
    assert "mentor1@example.se" in everything
    with intake.engine.connect() as conn:
        answers = conn.execute(sa.select(store.survey_responses.c.answers)).scalar_one()
    assert answers == {"meaningful": True}
