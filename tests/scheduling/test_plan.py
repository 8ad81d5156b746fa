"""A meeting plan with more topics than the cohort has meetings: every topic still has a meeting,
the later meetings carry two, and the coordinator is told which were combined."""

from datetime import date

from services.scheduling.domain import plan
from tests.scheduling.conftest import MEETING_PLAN, SIX_STEPS

# Each step with a checklist of its own, so that a combined meeting can be seen to keep both.
OWN_CHECKLISTS = [{"title": title, "checklist": [{"sv": f"Förbered: {title['sv']}", "en": f"Prepare: {title['en']}"}]}
                  for title in SIX_STEPS]


def _steps_covered(meetings: list[plan.PlannedMeeting]) -> list[dict]:
    return [step for m in meetings for step in (m.combined or (m.topic,))]


def test_six_topics_over_five_monthly_windows_keep_workplace_culture():
    # 23 January to 30 June: the last eight days join the fifth window, so five meetings
    meetings = plan.plan_meetings(date(2019, 1, 23), date(2019, 6, 30), 1, OWN_CHECKLISTS)
    assert len(meetings) == 5
    assert _steps_covered(meetings) == SIX_STEPS
    assert [m.topic for m in meetings[:4]] == SIX_STEPS[:4]
    last = meetings[4]
    assert last.combined == (SIX_STEPS[4], SIX_STEPS[5])
    assert last.topic["en"] == "Workplace culture · Closing and the road ahead"
    assert last.topic["sv"] == "Arbetsplatskultur · Avslutning och vägen framåt"
    assert last.checklist == OWN_CHECKLISTS[4]["checklist"] + OWN_CHECKLISTS[5]["checklist"]
    note = plan.combined_note(meetings, OWN_CHECKLISTS)
    assert note["combined"] == [{"number": 5, "topics": [SIX_STEPS[4], SIX_STEPS[5]]}]
    assert "Workplace culture" in note["message"] and "Closing and the road ahead" in note["message"]


def test_six_topics_over_three_windows_put_two_in_each_meeting():
    meetings = plan.plan_meetings(date(2019, 1, 23), date(2019, 7, 22), 2, OWN_CHECKLISTS)
    assert len(meetings) == 3
    assert _steps_covered(meetings) == SIX_STEPS
    assert [len(m.combined) for m in meetings] == [2, 2, 2]
    assert all(len(m.checklist) == 2 for m in meetings)
    assert [c["number"] for c in plan.combined_note(meetings, OWN_CHECKLISTS)["combined"]] == [1, 2, 3]


def test_a_shared_checklist_is_not_repeated_in_a_combined_meeting():
    meetings = plan.plan_meetings(date(2019, 1, 23), date(2019, 6, 30), 1, MEETING_PLAN)
    assert meetings[4].checklist == MEETING_PLAN[4]["checklist"]


def test_a_plan_that_fits_needs_no_note():
    meetings = plan.plan_meetings(date(2019, 1, 23), date(2019, 7, 22), 1, MEETING_PLAN)
    assert not any(m.combined for m in meetings)
    assert plan.combined_note(meetings, MEETING_PLAN) is None


def test_the_pair_and_its_coordinator_see_which_topics_share_a_meeting(scheduling):
    cohort = scheduling.cohort(ends_on=date(2019, 6, 30))
    pair = scheduling.confirm("agency", cohort, ends_on=date(2019, 6, 30))
    seen = scheduling.pair(pair)
    assert [m["number"] for m in seen["meetings"]] == [1, 2, 3, 4, 5]
    fifth = seen["meetings"][4]
    assert fifth["topic"]["en"] == "Workplace culture · Closing and the road ahead"
    assert fifth["topic_text"] == "Arbetsplatskultur · Avslutning och vägen framåt"
    assert seen["plan_note"]["combined"] == [{"number": 5, "topics": [SIX_STEPS[4], SIX_STEPS[5]]}]
    assert "Workplace culture" in seen["plan_note"]["message"]
    # a cohort that fits the plan has no note
    full = scheduling.cohort()
    assert scheduling.pair(scheduling.confirm("agency", full))["plan_note"] is None
