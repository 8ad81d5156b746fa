"""Retention: a person is erased when every application of theirs has run its consented period,
counted from the end of its cohort or from a withdrawal or rejection; they may extend it first."""

from datetime import UTC, datetime

import sqlalchemy as sa

from services.intake import store
from services.intake.domain.erasure import email_hash
from services.intake.usecases.retention import erase_expired
from services.shared import clock
from tests.intake.conftest import mentee, mentor
from tests.skeleton import expect

# the cohort of conftest ends on 30 June 2027 (Stockholm): 24 months run out at midnight 1 July 2029
END = datetime(2027, 6, 30, 22, 0, tzinfo=UTC)
EXPIRES = datetime(2029, 6, 30, 22, 0, tzinfo=UTC)


def _apply(intake, cohort, person) -> dict:
    return expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", person, None), 201)


def _application(intake, application_id) -> dict:
    with intake.engine.connect() as conn:
        return dict(conn.execute(sa.select(store.applications).where(store.applications.c.id == application_id)).mappings().one())


def _setup(intake):
    coordinator = intake.tenant("saco")
    programme = intake.programme(coordinator)
    return coordinator, programme, intake.cohort(coordinator, programme["id"])


def test_a_mentee_is_erased_when_the_period_after_the_cohort_has_run_out_and_only_once(intake):
    coordinator, _, cohort = _setup(intake)
    applied = _apply(intake, cohort, mentee(1, name="Leyla Haddad", email="leyla@example.se"))
    _apply(intake, cohort, mentee(2, consent={"given": True, "text_version": "2026-01", "retention_months": 36}))
    mine = expect(intake.send("GET", f"/intake/applications/mine?token={applied['manage_token']}", None, None), 200)
    assert (mine["retention_until"], mine["retention_reason"]) == ("2029-06-30T22:00:00+00:00", "cohort_ended")

    clock.set(EXPIRES.replace(minute=0, hour=21))
    assert erase_expired(intake.engine) == []
    clock.set(EXPIRES)
    erased = erase_expired(intake.engine)
    assert [(e["email_sha256"], e["requested_by"]) for e in erased] == [(email_hash("leyla@example.se"), "retention")]
    assert _application(intake, applied["id"])["name"] == "erased"
    request = intake.events("person.erasure_requested")
    assert [r["data"]["application_ids"] for r in request] == [[applied["id"]]]
    # the other mentee consented to 36 months; a second tick erases no one again
    assert erase_expired(intake.engine) == []
    assert len(intake.events("person.erasure_requested")) == 1
    # the personal link of an erased person shows no data of theirs
    gone = expect(intake.send("GET", f"/intake/applications/mine?token={applied['manage_token']}", None, None), 200)
    assert (gone["name"], gone["retention_until"]) == ("erased", None)


def test_a_withdrawal_starts_the_period_before_the_cohort_ends(intake):
    _, _, cohort = _setup(intake)
    applied = _apply(intake, cohort, mentee(1, consent={"given": True, "text_version": "2026-01", "retention_months": 1}))
    expect(intake.send("POST", f"/intake/applications/mine/withdraw?token={applied['manage_token']}", None, None), 200)
    mine = expect(intake.send("GET", f"/intake/applications/mine?token={applied['manage_token']}", None, None), 200)
    assert (mine["retention_until"], mine["retention_reason"]) == ("2026-12-02T09:00:00+00:00", "withdrawn")
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    assert len(erase_expired(intake.engine)) == 1


def test_an_extended_consent_keeps_the_person_until_the_new_date(intake):
    _, _, cohort = _setup(intake)
    applied = _apply(intake, cohort, mentee(1))
    token = applied["manage_token"]
    clock.set(datetime(2029, 6, 1, 12, 0, tzinfo=UTC))
    extended = expect(intake.send("POST", f"/intake/applications/mine/consent?token={token}", {"text_version": "2026-01"}, None), 200)
    assert (extended["retention_months"], extended["retention_until"]) == (36, "2030-06-30T22:00:00+00:00")
    assert (extended["consent_version"], extended["consent_at"]) == ("2026-01", "2029-06-01T12:00:00+00:00")
    # a shorter period is no extension, and an old consent text is not agreed to
    expect(intake.send("POST", f"/intake/applications/mine/consent?token={token}",
                       {"text_version": "2026-01", "retention_months": 30}, None), 422)
    expect(intake.send("POST", f"/intake/applications/mine/consent?token={token}",
                       {"text_version": "2025-01", "extend_months": 6}, None), 422)

    clock.set(EXPIRES)
    assert erase_expired(intake.engine) == []
    assert _application(intake, applied["id"])["name"] == "Adept Nummer1"
    clock.set(datetime(2030, 6, 30, 22, 0, tzinfo=UTC))
    expect(intake.send("POST", f"/intake/applications/mine/consent?token={token}", {"text_version": "2026-01"}, None), 409)
    assert len(erase_expired(intake.engine)) == 1


def test_a_person_in_two_cohorts_is_kept_until_the_later_one_has_run_out(intake):
    coordinator, programme, cohort = _setup(intake)
    later = intake.cohort(coordinator, programme["id"], name="Hösten 2027", starts_on="2027-08-20", ends_on="2027-12-15")
    first = _apply(intake, cohort, mentor(1, email="sam@example.se"))
    second = _apply(intake, later, mentee(1, email="sam@example.se"))
    clock.set(EXPIRES)
    assert erase_expired(intake.engine) == []
    listed = expect(intake.send("GET", "/intake/retention?within_days=400", None, coordinator), 200)
    assert [(p["email"], p["expires_at"], p["reason"]) for p in listed] == [
        ("sam@example.se", "2029-12-15T23:00:00+00:00", "cohort_ended")]
    assert sorted(a["cohort"] for a in listed[0]["applications"]) == ["Hösten 2027", "Våren 2027"]
    clock.set(datetime(2029, 12, 15, 23, 0, tzinfo=UTC))
    erased = erase_expired(intake.engine)
    assert [(e["applications"]) for e in erased] == [2]
    assert {_application(intake, a["id"])["name"] for a in (first, second)} == {"erased"}


def test_a_cohort_without_an_end_date_keeps_its_people(intake):
    coordinator, programme, _ = _setup(intake)
    open_ended = intake.cohort(coordinator, programme["id"], name="Löpande")
    with intake.engine.begin() as conn:  # a cohort entered before end dates were asked for
        conn.execute(store.cohorts.update().where(store.cohorts.c.id == open_ended["id"]).values(ends_on=None))
    _apply(intake, open_ended, mentee(1))
    clock.set(datetime(2040, 1, 1, tzinfo=UTC))
    assert erase_expired(intake.engine) == []


def test_coordinators_see_who_is_erased_within_thirty_days_of_their_own_tenant_only(intake):
    coordinator, programme, cohort = _setup(intake)
    _apply(intake, cohort, mentee(1, email="soon@example.se"))
    _apply(intake, cohort, mentee(2, email="later@example.se",
                                  consent={"given": True, "text_version": "2026-01", "retention_months": 25}))
    other = intake.tenant("jusek")
    other_cohort = intake.cohort(other, intake.programme(other)["id"])
    _apply(intake, other_cohort, mentee(3, email="elsewhere@example.se"))

    clock.set(datetime(2029, 6, 10, tzinfo=UTC))
    soon = expect(intake.send("GET", "/intake/retention", None, coordinator), 200)
    assert [(p["email"], p["reason"]) for p in soon] == [("soon@example.se", "cohort_ended")]
    assert soon[0]["applications"][0]["counted_from"] == END.isoformat()
    assert soon[0]["applications"][0]["retention_months"] == 24
    in_cohort = expect(intake.send("GET", f"/intake/retention?within_days=60&cohort_id={cohort['id']}", None, coordinator), 200)
    assert [p["email"] for p in in_cohort] == ["soon@example.se", "later@example.se"]
    # another tenant's cohort is not there; the operator names the tenant
    expect(intake.send("GET", f"/intake/retention?cohort_id={other_cohort['id']}", None, coordinator), 404)
    unnamed = expect(intake.send("GET", "/intake/retention", None, intake.operator), 422)
    assert unnamed["errors"] == {"query": {"tenant": ["required for an operator"]}}  # the query's field, not the body's
    theirs = expect(intake.send("GET", "/intake/retention?tenant=jusek", None, intake.operator), 200)
    assert [p["email"] for p in theirs] == ["elsewhere@example.se"]
    # a page at a time
    paged = intake.send("GET", "/intake/retention?within_days=60&page_size=1&page=2", None, coordinator)
    assert [p["email"] for p in expect(paged, 200)] == ["later@example.se"]


def test_two_workers_erase_a_person_once(intake_pg):
    """A replica that cannot lock all of a person's rows leaves them to the one that holds them."""
    intake = intake_pg
    _, _, cohort = _setup(intake)
    _apply(intake, cohort, mentee(1))
    clock.set(EXPIRES)
    a = store.applications
    with intake.engine.begin() as holder:
        holder.execute(sa.select(a.c.id).with_for_update())
        assert erase_expired(intake.engine) == []
    assert len(erase_expired(intake.engine)) == 1
    assert erase_expired(intake.engine) == []
    with intake.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store.erasures)).scalar_one() == 1
