"""What the coordinator sees of a cohort: every pair's phase and meetings held against those
due, the cohort events with their attendance, and who missed a mandatory event."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy.engine import Connection

from .. import store
from ..domain import timing
from ..domain.reports import ATTENDANCE, meeting_counts


def pair_summaries(conn: Connection, tenant: str, cohort, now: datetime) -> list[dict]:
    today = timing.today(now, cohort["time_zone"])
    rows = store.pairs_of_cohort(conn, tenant, cohort["id"])
    people = store.names_of(conn, tenant, {r["mentee_id"] for r in rows} | {r["mentor_id"] for r in rows})
    by_pair: dict[str, list[dict]] = {}
    for meeting in store.meetings_of_cohort(conn, tenant, cohort["id"]):
        by_pair.setdefault(meeting["pair_id"], []).append(dict(meeting))
    out = []
    for pair in rows:
        meetings = by_pair.get(pair["id"], [])
        latest = store.latest_agreement(conn, tenant, pair["id"])
        upcoming = next((mt for mt in meetings if mt["status"] == "scheduled" and mt["starts_at"] > now), None)
        out.append({
            "pair_id": pair["id"], "status": pair["status"], "phase": pair["phase"],
            "mentee": people.get(pair["mentee_id"]), "mentor": people.get(pair["mentor_id"]),
            "confirmed_at": pair["confirmed_at"], "ended_at": pair["ended_at"], "end_reason": pair["end_reason"],
            "agreement": {"version": latest["version"], "status": latest["status"],
                          "mentee_signed": bool(latest["mentee_signed_at"]), "mentor_signed": bool(latest["mentor_signed_at"]),
                          "in_force": store.version_in_force(conn, tenant, pair["id"])} if latest else None,
            "meetings": meeting_counts(meetings, today, pair["status"] == "ended"),
            "next_meeting": {"number": upcoming["number"], "starts_at": upcoming["starts_at"]} if upcoming else None,
        })
    return out


def events_with_attendance(conn: Connection, tenant: str, cohort, now: datetime) -> list[dict]:
    expected = store.attendees(conn, tenant, cohort["id"])
    recorded = store.attendance_of_cohort(conn, tenant, cohort["id"])
    out = []
    for event in store.events_of_cohort(conn, tenant, cohort["id"]):
        marks = recorded.get(event["id"], {})
        counts = Counter(marks.values())
        out.append({**event, "attendance": {**{s: counts[s] for s in ATTENDANCE},
                                            "unrecorded": sum(1 for p in expected if p["application_id"] not in marks)}})
    return out


def overview(conn: Connection, tenant: str, cohort, now: datetime) -> dict:
    summaries = pair_summaries(conn, tenant, cohort, now)
    totals = Counter()
    for s in summaries:
        totals.update({k: v for k, v in s["meetings"].items()})
    phases = Counter(s["phase"] for s in summaries if s["phase"])
    return {
        "cohort": {k: cohort[k] for k in ("id", "name", "status", "time_zone", "starts_on", "ends_on")},
        "pairs": summaries,
        "phases": {phase: phases[phase] for phase in ("start", "working", "closing", "finished")},
        "meetings": {k: totals[k] for k in ("planned", "due", "held", "missed", "scheduled", "overdue")},
        "events": events_with_attendance(conn, tenant, cohort, now),
    }


def missed_mandatory(conn: Connection, tenant: str, cohort, now: datetime) -> dict:
    """Who missed a mandatory cohort event (marked absent), who was excused, and which past
    mandatory events still lack someone's attendance."""
    events = store.events_of_cohort(conn, tenant, cohort["id"], mandatory_scheduled=True)
    recorded = store.attendance_of_cohort(conn, tenant, cohort["id"])
    expected = store.attendees(conn, tenant, cohort["id"])
    people = {p["application_id"]: p for p in expected}
    report: dict[str, dict] = {}
    unrecorded = []
    for event in events:
        marks = recorded.get(event["id"], {})
        brief = {"event_id": event["id"], "kind": event["kind"], "title": event["title"], "starts_at": event["starts_at"]}
        for application_id, status in marks.items():
            if status in ("absent", "excused"):
                person = people.get(application_id) or store.names_of(conn, tenant, {application_id}).get(application_id)
                if person is None:
                    continue
                entry = report.setdefault(application_id, {"application_id": application_id, "name": person["name"],
                                                            "role": person["role"], "missed": [], "excused": []})
                entry["missed" if status == "absent" else "excused"].append(brief)
        if event["ends_at"] <= now:
            missing = [p["application_id"] for p in expected if p["application_id"] not in marks]
            if missing:
                unrecorded.append({**brief, "application_ids": missing})
    people_out = sorted(report.values(), key=lambda r: (-len(r["missed"]), r["role"], r["name"]))
    return {"cohort_id": cohort["id"], "mandatory_events": len(events),
            "people": [p for p in people_out if p["missed"] or p["excused"]], "unrecorded": unrecorded}
