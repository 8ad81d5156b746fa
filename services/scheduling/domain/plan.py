"""A pair's meeting plan: one meeting per due window over the cohort's period at the programme's
cadence, each with its suggested topic from the programme's meeting-plan template and its
checklist.

The county programme's six steps (get to know each other · goals and expectations · the labour
market · competence and education · workplace culture · closing and the road ahead) over a
six-month cohort give six monthly meetings, one topic each, in order. With fewer windows than
steps no step is dropped: the last meetings each carry two (or more) steps, with all their
checklists, and the plan says which were combined so that the coordinator can see it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from services.shared.reference.meetings import MEETING_CHECKLIST

# A last window shorter than this is too short to arrange a meeting in: it joins the one before.
MIN_WINDOW_DAYS = 14

# For meetings beyond the template's topics (a longer cohort, or a template of a few steps).
OWN_TOPIC = {
    "sv": "Egen agenda: följ upp era mål",
    "fi": "Oma aihe: seuratkaa tavoitteitanne",
    "nb": "Eget tema: følg opp målene deres",
    "en": "Your own topic: follow up on your goals",
}

# Between the titles of the steps one meeting combines: "Workplace culture · Closing and the road ahead".
TOPIC_JOINER = " · "

# The checklist every meeting has when the programme gives none (the county programme's).
DEFAULT_CHECKLIST = MEETING_CHECKLIST


@dataclass(frozen=True)
class DueWindow:
    """Month k of the plan (or k-th period of the cadence): the meeting is due within it."""

    number: int
    start: date
    end: date  # inclusive

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class PlannedMeeting:
    number: int
    window: DueWindow
    topic: dict[str, str]
    checklist: list[dict[str, str]] = field(default_factory=list)
    # the template's steps this meeting covers, when it covers more than one (their titles)
    combined: tuple[dict[str, str], ...] = ()


def due_windows(starts_on: date, ends_on: date, every_months: int = 1) -> list[DueWindow]:
    """Consecutive windows of ``every_months`` months from the start, the last cut at the end.

    Each window is counted from the start date (not from the previous window), so a cohort that
    starts on 31 January has its second window from 28 February and its third from 31 March.
    """
    if ends_on < starts_on:
        raise ValueError("the cohort ends before it starts")
    every = max(1, every_months)
    bounds: list[tuple[date, date]] = []
    k = 0
    while True:
        start = starts_on + relativedelta(months=k * every)
        if start > ends_on:
            break
        end = min(starts_on + relativedelta(months=(k + 1) * every) - timedelta(days=1), ends_on)
        bounds.append((start, end))
        k += 1
    if len(bounds) > 1 and (bounds[-1][1] - bounds[-1][0]).days + 1 < MIN_WINDOW_DAYS:
        last = bounds.pop()
        bounds[-1] = (bounds[-1][0], last[1])
    return [DueWindow(n, start, end) for n, (start, end) in enumerate(bounds, start=1)]


def topics_for(count: int, template: list[dict]) -> list[dict]:
    """The template's topics for ``count`` meetings, in order, every step in.

    Meetings beyond the template get the pair's own topic before the last step (closing and the
    road ahead). With fewer meetings than steps, the later meetings each take one step more, in
    order, so that none is left out: six steps over five meetings put the last two together in the
    fifth. A topic that combines steps names them all, has all their checklists, and lists the
    steps' titles under ``combined``."""
    if count <= 0:
        return []
    if not template:
        return [{"title": OWN_TOPIC, "checklist": DEFAULT_CHECKLIST}] * count
    if count == 1 and len(template) == 1:
        return [template[0]]
    if count >= len(template):
        head = list(template[:-1])
        own = [{"title": OWN_TOPIC, "checklist": (head[-1] if head else template[-1]).get("checklist") or DEFAULT_CHECKLIST}]
        return head + own * (count - len(template)) + [template[-1]]
    share, extra = divmod(len(template), count)
    topics, at = [], 0
    for number in range(count):
        size = share + (1 if number >= count - extra else 0)  # the later meetings take the extra steps
        steps = template[at:at + size]
        at += size
        topics.append(steps[0] if len(steps) == 1 else combine(steps))
    return topics


def combine(steps: list[dict]) -> dict:
    """One meeting's topic out of several steps: the titles joined in each language any of them
    has, and every item of their checklists (an item they share, once)."""
    titles = [dict(step["title"]) for step in steps]
    languages = [lang for title in titles for lang in title]
    joined = {lang: TOPIC_JOINER.join(_in_language(title, lang) for title in titles) for lang in dict.fromkeys(languages)}
    checklist: list[dict[str, str]] = []
    for step in steps:
        for item in step.get("checklist") or DEFAULT_CHECKLIST:
            if item not in checklist:
                checklist.append(item)
    return {"title": joined, "checklist": checklist, "combined": titles}


def _in_language(title: dict[str, str], language: str) -> str:
    return title.get(language) or title.get("en") or next(iter(title.values()), "")


def plan_meetings(starts_on: date, ends_on: date, every_months: int, template: list[dict]) -> list[PlannedMeeting]:
    windows = due_windows(starts_on, ends_on, every_months)
    topics = topics_for(len(windows), template)
    return [PlannedMeeting(w.number, w, dict(t["title"]), list(t.get("checklist") or DEFAULT_CHECKLIST),
                           tuple(t.get("combined") or ()))
            for w, t in zip(windows, topics, strict=True)]


def combined_note(planned: list[PlannedMeeting], template: list[dict]) -> dict | None:
    """For the coordinator: which meetings carry more than one step of the template, and why
    (fewer due windows than steps). None when every step has a meeting of its own."""
    combined = [{"number": m.number, "topics": list(m.combined)} for m in planned if m.combined]
    if not combined:
        return None
    parts = "; ".join(f"meeting {c['number']} covers " + " and ".join(_in_language(t, "en") for t in c["topics"])
                      for c in combined)
    return {"message": f"The plan has {len(template)} topics but the cohort only {len(planned)} meetings, "
                       f"so topics were combined: {parts}.",
            "combined": combined}


def suggested_date(window: DueWindow) -> date:
    """A first suggestion for the agreement's planned date: the middle of the window, on a weekday."""
    day = window.start + timedelta(days=(window.end - window.start).days // 2)
    while day.weekday() >= 5 and day < window.end:
        day += timedelta(days=1)
    return day


def window_of(windows: list[DueWindow], day: date) -> DueWindow | None:
    return next((w for w in windows if w.contains(day)), None)


def cohort_note(cohort: dict) -> dict | None:
    """``combined_note`` for a cohort's pairs, from its dates, cadence and meeting plan."""
    programme = cohort.get("programme") or {}
    template = programme.get("meeting_plan") or []
    planned = plan_meetings(cohort["starts_on"], cohort["ends_on"], int(programme.get("meeting_every_months") or 1), template)
    return combined_note(planned, template)
