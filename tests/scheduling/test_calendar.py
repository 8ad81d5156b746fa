"""Calendars: the state employers' agency cohort in a subscribed calendar, parsed back with
icalendar — local times that stay right across the March clock change, stable UIDs, SEQUENCE
raised on change, cancelled meetings as STATUS:CANCELLED, URLs that can be revoked."""

from datetime import UTC, datetime, timedelta

from services.shared import clock
from tests.scheduling.conftest import CHECKLIST_FILLED, STOCKHOLM
from tests.skeleton import expect


def _by_summary(calendar, text: str):
    return sorted((e for e in calendar.events if text in str(e["SUMMARY"])), key=lambda e: e.start)


def test_the_half_day_meetings_show_0830_local_on_both_sides_of_the_march_clock_change(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    calendar = scheduling.ics(scheduling.calendar(scheduling.token(pair, "mentor")))

    half_days = _by_summary(calendar, "Halvdagsträff")
    assert [(e.start.date().isoformat(), e.start.strftime("%H:%M"), e.end.strftime("%H:%M")) for e in half_days] == [
        ("2019-01-31", "08:30", "12:00"), ("2019-03-28", "08:30", "12:00"), ("2019-06-18", "08:30", "12:00")]
    # written as local time with its zone, not as UTC ...
    assert {e["DTSTART"].params["TZID"] for e in half_days} == {"Europe/Stockholm"}
    assert b"DTSTART;TZID=Europe/Stockholm:20190618T083000" in calendar.to_ical()
    # ... and the feed's own VTIMEZONE definition puts them at the right instants: CET before the
    # change on 31 March 2019, CEST after it
    (vtimezone,) = calendar.timezones
    assert vtimezone["TZID"] == "Europe/Stockholm"
    from_feed = vtimezone.to_tz(lookup_tzid=False)
    instants = [e.start.replace(tzinfo=from_feed).astimezone(UTC) for e in half_days]
    assert [i.strftime("%m-%d %H:%M") for i in instants] == ["01-31 07:30", "03-28 07:30", "06-18 06:30"]

    (training,) = _by_summary(calendar, "Mentorutbildning")
    assert (training.start, training.end) == (datetime(2019, 1, 23, 10, tzinfo=STOCKHOLM), datetime(2019, 1, 24, 12, 30, tzinfo=STOCKHOLM))
    assert str(training["LOCATION"]).startswith("Hotell Exempel") and "Obligatorisk" in str(training["DESCRIPTION"])


def test_a_meeting_keeps_its_uid_and_raises_its_sequence_as_it_moves(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    url = scheduling.calendar(scheduling.token(pair, "mentee"))
    # meeting 3 (due 23 March – 22 April) at 17:00 on Wednesday 27 March, then moved over the clock change
    first = scheduling.schedule(pair, 3, "2019-03-27T17:00:00")
    (entry,) = _by_summary(scheduling.ics(url), "Mentorträff 3")
    uid = str(entry["UID"])
    assert (entry.start, int(entry["SEQUENCE"]), str(entry["STATUS"])) == (datetime(2019, 3, 27, 17, tzinfo=STOCKHOLM), 0, "CONFIRMED")
    assert "med Karin Berg" in str(entry["SUMMARY"]) and "Arbetsmarknaden" in str(entry["DESCRIPTION"])
    assert first["local_start"] == "2019-03-27T17:00:00+01:00"

    moved = scheduling.schedule(pair, 3, "2019-04-03T17:00:00", place="Kafé Exempel")
    assert moved["local_start"] == "2019-04-03T17:00:00+02:00" and moved["sequence"] == 1
    (entry,) = _by_summary(scheduling.ics(url), "Mentorträff 3")
    assert (str(entry["UID"]), entry.start.strftime("%H:%M"), int(entry["SEQUENCE"])) == (uid, "17:00", 1)
    assert str(entry["LOCATION"]) == "Kafé Exempel"

    expect(scheduling.send("POST", f"/scheduling/meetings/{moved['id']}/cancel", {"reason": "sjuk"},
                           scheduling.token(pair, "mentee")), 200)
    (entry,) = _by_summary(scheduling.ics(url), "Mentorträff 3")
    assert (str(entry["UID"]), str(entry["STATUS"]), int(entry["SEQUENCE"])) == (uid, "CANCELLED", 2)
    assert [e["type"] for e in scheduling.events("meeting.")] == [
        "meeting.scheduled.v1", "meeting.rescheduled.v1", "meeting.cancelled.v1"]


def test_an_early_end_cancels_the_future_meetings_in_the_feed(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    url = scheduling.calendar(scheduling.token(pair, "mentee"))
    scheduling.schedule(pair, 1, "2019-02-05T16:00:00")
    scheduling.schedule(pair, 2, "2019-03-05T16:00:00")
    scheduling.schedule(pair, 3, "2019-04-02T16:00:00")
    clock.set(datetime(2019, 2, 6, 9, tzinfo=UTC))
    first = scheduling.meetings(pair)[0]
    expect(scheduling.send("POST", f"/scheduling/meetings/{first['id']}/held", CHECKLIST_FILLED, scheduling.token(pair, "mentee")), 200)

    clock.set(datetime(2019, 2, 20, 9, tzinfo=UTC))
    scheduling.end(pair)
    entries = _by_summary(scheduling.ics(url), "Mentorträff")
    assert [(e.start.date().isoformat(), str(e["STATUS"]), int(e["SEQUENCE"])) for e in entries] == [
        ("2019-02-05", "CONFIRMED", 0), ("2019-03-05", "CANCELLED", 1), ("2019-04-02", "CANCELLED", 1)]
    assert [m["status"] for m in scheduling.meetings(pair)] == ["held"] + ["cancelled"] * 5
    cancelled = scheduling.events("meeting.cancelled")
    assert [e["data"]["number"] for e in cancelled] == [2, 3]  # the undated ones were on no one's calendar
    assert all("reason" not in e["data"] for e in cancelled)  # the pair ended: no consumer keeps why
    assert scheduling.pair(pair)["phase"] == "finished"


def test_a_calendar_url_can_be_replaced_and_revoked(scheduling):
    cohort = scheduling.cohort()
    pair = scheduling.confirm("agency", cohort)
    token = scheduling.token(pair, "mentee")
    old = scheduling.calendar(token)
    new = scheduling.calendar(token)
    assert scheduling.ics_status(old) == 404 and scheduling.ics_status(new) == 200
    assert expect(scheduling.send("GET", "/scheduling/mine/calendar", None, token), 200)["active"] is True
    expect(scheduling.send("DELETE", "/scheduling/mine/calendar", None, token), 204)
    assert scheduling.ics_status(new) == 404
    assert scheduling.ics_status("/scheduling/calendars/not-a-secret.ics") == 404


def test_the_cohort_calendar_carries_its_events_and_a_changed_event_keeps_its_uid(scheduling):
    from tests.scheduling.conftest import GROUP_EVENTS, cohort_snapshot

    cohort = scheduling.cohort()
    coordinator = scheduling.coordinator("agency")
    url = scheduling.calendar(coordinator, f"/scheduling/cohorts/{cohort}/calendar")
    calendar = scheduling.ics(url)
    assert len(calendar.events) == 4 and str(calendar["X-WR-TIMEZONE"]) == "Europe/Stockholm"
    uids = {str(e["SUMMARY"]): str(e["UID"]) for e in calendar.events}

    # intake saves the list again (new ids), moves the second half-day meeting an hour and drops the third
    events = [dict(g, id=f"{g['id']}-v2") for g in GROUP_EVENTS[:3]]
    events[2]["starts_at"] += timedelta(hours=1)
    scheduling.feed("cohort.updated.v1", "agency", cohort_snapshot(cohort, group_events=events))
    after = {str(e["SUMMARY"]): e for e in scheduling.ics(url).events}
    assert {s: str(e["UID"]) for s, e in after.items()} == uids
    assert (after["Halvdagsträff 2"].start.strftime("%H:%M"), int(after["Halvdagsträff 2"]["SEQUENCE"])) == ("09:30", 1)
    assert (str(after["Halvdagsträff 3"]["STATUS"]), int(after["Halvdagsträff 3"]["SEQUENCE"])) == ("CANCELLED", 1)
    assert (str(after["Halvdagsträff 1"]["STATUS"]), int(after["Halvdagsträff 1"]["SEQUENCE"])) == ("CONFIRMED", 0)
    assert [e["type"] for e in scheduling.events("event.")][-2:] == ["event.scheduled.v1", "event.cancelled.v1"]
