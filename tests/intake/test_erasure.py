"""Erasure leaves no personal data of the person in intake's tables."""

import sqlalchemy as sa
from werkzeug.test import Client

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


def _ask_public(intake, path, body):
    """Ask as the web front does: what the answer defers runs once it is closed."""
    response = Client(intake.app).post(path, json=body)
    response.close()
    return response.status_code


def test_erasure_forgets_the_addresss_requests_for_its_links_and_its_sign_in_codes(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator, member_organisations=[{"id": "skatteverket", "name": "Skatteverket"}])
    cohort = intake.cohort(coordinator, programme["id"])
    expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications",
                       mentor(1, name="Leyla Haddad", email="leyla.haddad@example.se"), None), 201)
    expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentor(2), None), 201)
    # Leyla speaks for her organisation too, and has a sign-in link on its way
    expect(intake.send("POST", "/intake/staff", {"email": "leyla.haddad@example.se", "name": "Leyla Haddad", "role": "representative",
                                                 "organisation": "skatteverket", "locale": "sv"}, coordinator), 201)
    assert _ask_public(intake, "/intake/public/links", {"email": "leyla.haddad@example.se"}) == 202
    assert _ask_public(intake, "/intake/public/links", {"email": "mentor2@example.se"}) == 202
    with intake.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store.link_requests)).scalar_one() == 2
        assert conn.execute(sa.select(sa.func.count()).select_from(store.sign_in_codes)).scalar_one() == 1

    expect(intake.send("POST", "/intake/erasures", {"email": "leyla.haddad@example.se"}, coordinator), 201)

    with intake.engine.connect() as conn:
        requests = conn.execute(sa.select(store.link_requests.c.email_sha256)).scalars().all()
        codes = conn.execute(sa.select(sa.func.count()).select_from(store.sign_in_codes)).scalar_one()
    assert requests == [email_hash("mentor2@example.se")]  # the other person's request stays
    assert codes == 0
