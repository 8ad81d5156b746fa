"""A tenant cannot see another's calendars or pairs: every object of another tenant answers 404."""

from services.shared.tenancy import participant_token
from tests.scheduling.conftest import KEY, person
from tests.skeleton import expect


def test_a_tenant_cannot_see_another_tenants_pairs_or_calendars(scheduling):
    agency_cohort = scheduling.cohort("agency")
    pair = scheduling.confirm("agency", agency_cohort)
    union_cohort = scheduling.cohort("union")
    scheduling.confirm("union", union_cohort, person("Sara Ahmadi"), person("Johan Lind"))
    union = scheduling.coordinator("union")
    meeting = scheduling.meetings(pair)[0]
    event_id = expect(scheduling.send("GET", f"/scheduling/cohorts/{agency_cohort}/events", None,
                                      scheduling.coordinator("agency")), 200)[0]["id"]

    for method, path, body in (
        ("GET", f"/scheduling/cohorts/{agency_cohort}/overview", None),
        ("GET", f"/scheduling/cohorts/{agency_cohort}/pairs", None),
        ("GET", f"/scheduling/cohorts/{agency_cohort}/events", None),
        ("GET", f"/scheduling/cohorts/{agency_cohort}/events/{event_id}/attendance", None),
        ("PUT", f"/scheduling/cohorts/{agency_cohort}/events/{event_id}/attendance",
         {"records": [{"application_id": pair.mentee_id, "status": "absent"}]}),
        ("GET", f"/scheduling/cohorts/{agency_cohort}/attendance/missed", None),
        ("GET", f"/scheduling/cohorts/{agency_cohort}/calendar", None),
        ("POST", f"/scheduling/cohorts/{agency_cohort}/calendar", None),
        ("DELETE", f"/scheduling/cohorts/{agency_cohort}/calendar", None),
        ("GET", f"/scheduling/pairs/{pair.id}", None),
        ("GET", f"/scheduling/pairs/{pair.id}/agreement", None),
        ("PATCH", f"/scheduling/pairs/{pair.id}/agreement", {"based_on_version": 1, "keep_in_touch": "x"}),
        ("GET", f"/scheduling/pairs/{pair.id}/agreement/versions/1", None),
        ("GET", f"/scheduling/meetings/{meeting['id']}", None),
        ("PUT", f"/scheduling/meetings/{meeting['id']}/schedule", {"starts_at": "2019-02-01T10:00:00", "place": "x"}),
        ("POST", f"/scheduling/meetings/{meeting['id']}/cancel", {}),
    ):
        answer = expect(scheduling.send(method, path, body, union), 404)
        assert "errors" not in answer or pair.mentee_id not in str(answer), path
    expect(scheduling.send("GET", f"/scheduling/cohorts/{agency_cohort}/participants", None, union), 404)

    # a participant token of the other tenant naming this pair's mentee opens nothing
    forged = participant_token(KEY, tenant="union", sub=pair.mentee_id, scope="application", ttl=600)
    expect(scheduling.send("GET", f"/scheduling/pairs/{pair.id}", None, forged), 404)
    expect(scheduling.send("GET", "/scheduling/mine", None, forged), 404)
    expect(scheduling.send("POST", "/scheduling/mine/calendar", None, forged), 404)

    # the agency's own calendars show the agency's people only
    calendar = scheduling.ics(scheduling.calendar(scheduling.token(pair, "mentee")))
    assert not any("Johan Lind" in str(e.get("SUMMARY")) for e in calendar.events)
    cohort_feed = scheduling.ics(scheduling.calendar(scheduling.coordinator("agency"), f"/scheduling/cohorts/{agency_cohort}/calendar"))
    assert len(cohort_feed.events) == 4
    assert expect(scheduling.send("GET", f"/scheduling/cohorts/{agency_cohort}/calendar", None, union), 404)
    # and the agency's data did not move
    assert scheduling.pair(pair)["agreement"]["keep_in_touch"] == ""
