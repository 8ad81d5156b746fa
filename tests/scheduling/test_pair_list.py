"""The coordinator's list of a cohort's pairs, a page at a time: phase, meetings held against due,
the agreement's state and the last activity; and a pair as a coordinator opens it, without the
pair's own notes."""

from datetime import UTC, datetime

from services.shared import clock
from tests.scheduling.conftest import CHECKLIST_FILLED, person, sign_both
from tests.skeleton import expect


def test_the_pair_list_comes_a_page_at_a_time_with_meetings_agreement_and_last_activity(scheduling):
    cohort = scheduling.cohort()
    working = scheduling.confirm("agency", cohort)
    idle = scheduling.confirm("agency", cohort, person("Omar Yusuf"), person("Lars Holm"))
    sign_both(scheduling, working)
    first = scheduling.schedule(working, 1, "2019-01-29T17:00:00")
    clock.set(datetime(2019, 1, 30, 9, tzinfo=UTC))
    expect(scheduling.send("POST", f"/scheduling/meetings/{first['id']}/held", CHECKLIST_FILLED, scheduling.token(working, "mentee")), 200)
    held_at = clock.now()

    clock.set(datetime(2019, 3, 1, 9, tzinfo=UTC))
    coordinator = scheduling.coordinator("agency")
    everything = expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/pair-list", None, coordinator), 200)
    assert (everything["total"], everything["page"], everything["page_size"]) == (2, 1, 50)
    by_pair = {p["pair_id"]: p for p in everything["items"]}
    one, other = by_pair[working.id], by_pair[idle.id]
    assert (one["phase"], one["meetings_held"], one["meetings_due"], one["agreement_status"], one["agreement_in_force"]) == (
        "working", 1, 2, "signed", 1)
    assert (other["phase"], other["meetings_held"], other["meetings_due"], other["agreement_status"]) == ("start", 0, 2, "draft")
    assert other["meetings_overdue"] == 1 and one["mentee"]["name"] == "Amal Haddad"
    assert datetime.fromisoformat(one["last_activity_at"]) >= held_at
    assert datetime.fromisoformat(other["last_activity_at"]) < held_at

    first_page = expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/pair-list?page_size=1", None, coordinator), 200)
    second_page = expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/pair-list?page_size=1&page=2", None, coordinator), 200)
    assert first_page["total"] == 2 and len(first_page["items"]) == 1 and len(second_page["items"]) == 1
    assert {first_page["items"][0]["pair_id"], second_page["items"][0]["pair_id"]} == {working.id, idle.id}
    assert expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/pair-list?status=ended", None, coordinator), 200)["total"] == 0
    expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/pair-list?page=0", None, coordinator), 422)
    assert one["last_meeting_at"].startswith("2019-01-29") and other["last_meeting_at"] is None

    # no meeting held since the morning of 29 January: the idle pair; the working pair met that evening
    quiet = expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/pair-list?quiet_since=2019-01-29T09:00:00%2B00:00",
                                   None, coordinator), 200)
    assert (quiet["total"], [p["pair_id"] for p in quiet["items"]]) == (1, [idle.id])
    both = expect(scheduling.send("GET", f"/scheduling/cohorts/{cohort}/pair-list?quiet_since=2019-01-30T09:00:00%2B00:00",
                                  None, coordinator), 200)
    assert both["total"] == 2

    seen = expect(scheduling.send("GET", f"/scheduling/pairs/{working.id}", None, coordinator), 200)
    assert seen["meetings"][0]["status"] == "held" and all(m["notes"] is None for m in seen["meetings"])
    assert CHECKLIST_FILLED["since_last_time"] not in str(seen)

    other_tenant = scheduling.coordinator("union")
    code, _ = scheduling.send("GET", f"/scheduling/cohorts/{cohort}/pair-list", None, other_tenant)
    assert code == 404
