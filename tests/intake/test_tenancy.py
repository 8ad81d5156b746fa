"""A token of tenant B reading, changing or deleting any object of tenant A gets 404."""

from tests.intake.conftest import mentee
from tests.skeleton import expect

ORGS = [{"id": "skatteverket", "name": "Skatteverket"}]


def test_another_tenant_cannot_read_change_or_delete_anything(intake):
    a = intake.tenant("tenant-a")
    programme = intake.programme(a, member_organisations=ORGS)
    cohort = intake.cohort(a, programme["id"])
    application = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(1), None), 201)
    rep_a = intake.representative("tenant-a", "skatteverket")
    nomination = expect(intake.send("POST", f"/intake/cohorts/{cohort['id']}/nominations",
                                    {"name": "Karin", "email": "karin@example.se", "rank": 1}, rep_a), 201)

    b = intake.tenant("tenant-b")
    rep_b = intake.representative("tenant-b", "skatteverket")
    p, c, ap, n = programme["id"], cohort["id"], application["id"], nomination["id"]
    attempts = [
        ("GET", f"/intake/programmes/{p}", None, b),
        ("PATCH", f"/intake/programmes/{p}", {"duration_months": 1}, b),
        ("POST", f"/intake/programmes/{p}/pause", {}, b),
        ("POST", f"/intake/programmes/{p}/resume", None, b),
        ("POST", f"/intake/programmes/{p}/close", None, b),
        ("GET", f"/intake/programmes/{p}/cohorts", None, b),
        ("POST", f"/intake/programmes/{p}/cohorts", {"name": "x", "starts_on": "2027-01-01", "ends_on": "2027-06-01"}, b),
        ("GET", f"/intake/cohorts/{c}", None, b),
        ("PATCH", f"/intake/cohorts/{c}", {"mentee_places": 1}, b),
        ("POST", f"/intake/cohorts/{c}/close", None, b),
        ("POST", f"/intake/cohorts/{c}/open", None, b),
        ("POST", f"/intake/cohorts/{c}/start", None, b),
        ("POST", f"/intake/cohorts/{c}/finish", None, b),
        ("GET", f"/intake/cohorts/{c}/applications", None, b),
        ("POST", f"/intake/cohorts/{c}/applications", mentee(2), b),
        ("GET", f"/intake/cohorts/{c}/outcomes", None, b),
        ("GET", f"/intake/applications/{ap}", None, b),
        ("POST", f"/intake/applications/{ap}/decision", {"status": "rejected"}, b),
        ("GET", f"/intake/cohorts/{c}/nominations", None, b),
        ("POST", f"/intake/cohorts/{c}/nominations", {"name": "x", "email": "x@example.se", "rank": 2}, rep_b),
        ("POST", f"/intake/nominations/{n}/decision", {"decision": "accept"}, b),
    ]
    for method, path, body, token in attempts:
        code, answer = intake.send(method, path, body, token)
        assert code == 404, f"{method} {path} answered {code}: {answer}"
    # an erasure in tenant B does not touch tenant A's person
    erased = expect(intake.send("POST", "/intake/erasures", {"email": "adept1@example.se"}, b), 201)
    assert erased["applications"] == 0
    expect(intake.send("POST", "/intake/erasures", {"email": "adept1@example.se", "tenant": "tenant-a"}, b), 404)
    # and nothing changed for tenant A
    still = expect(intake.send("GET", f"/intake/applications/{ap}", None, a), 200)
    assert still["status"] == "accepted" and still["name"] == "Adept Nummer1"
    assert expect(intake.send("GET", f"/intake/cohorts/{c}", None, a), 200)["status"] == "open"
    assert expect(intake.send("GET", f"/intake/programmes/{p}", None, a), 200)["status"] == "open"
    assert expect(intake.send("GET", "/intake/programmes", None, b), 200) == []


def test_a_personal_link_reaches_only_its_own_application(intake):
    a = intake.tenant("tenant-a")
    cohort = intake.cohort(a, intake.programme(a)["id"])
    mine = expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(1), None), 201)
    expect(intake.send("POST", f"/intake/public/cohorts/{cohort['id']}/applications", mentee(2), None), 201)
    seen = expect(intake.send("GET", f"/intake/applications/mine?token={mine['manage_token']}", None, None), 200)
    assert seen["id"] == mine["id"]
    # a participant is no coordinator
    expect(intake.send("GET", f"/intake/cohorts/{cohort['id']}/applications", None, mine["manage_token"]), 403)
