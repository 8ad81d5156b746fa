"""The rules of matching runs and the coordinator's review, on plain values: the cohort's problem
from its people, pairs, pins and forbids; what keeps a cohort from being matched; what a run
records; when a proposal may be approved, a pin or forbid set, a pair ended; and the events each
step tells the other services. ``usecases`` loads the values, calls these rules and writes.

A run is requested (by a coordinator or a closing cohort) as a queued row; the worker executes it.
A cohort has at most one queued or running run, a worker claims a queued run by the one status
change only one worker can make, and it holds the run under a lease it keeps renewing: a run whose
worker stopped is queued again (``MAX_ATTEMPTS`` times at most, then failed), and a worker that
lost its lease writes nothing."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime

from services.shared.contract import Event, new_event
from services.shared.errors import INVALID, Refused

from .model import DEFAULT_WEIGHTS, Mentee, Mentor, Problem, Rules
from .scoring import pair_rule, resolve_weights
from .solver import RULE_TEXTS

#: How long a worker's claim on a run lasts unless renewed, and how often the worker renews it.
LEASE_SECONDS = 120.0
HEARTBEAT_SECONDS = 20.0
#: Times a run whose worker stopped mid-way is taken up again before it is failed.
MAX_ATTEMPTS = 3

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
ACTIVE = (QUEUED, RUNNING)


class ReviewRefused(Refused):
    """A coordinator's step that the state of the cohort does not allow (a conflict, unless it
    names fields of the request that do not fit); the text says why."""


class RunInProgress(ReviewRefused):
    """The cohort has a queued or running run already; a second one would only race it."""

    def __init__(self, run_id: str | None):
        super().__init__("a matching run of this cohort is already queued or running"
                         + (f" (run {run_id})" if run_id else "") + "; its result is shown when it has finished")
        self.run_id = run_id


class RunCannotSucceed(Exception):
    """What keeps a cohort from being matched, in words a coordinator can act on."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


# --- the problem ---------------------------------------------------------------------------------


def _code(profession) -> str | None:
    return (profession or {}).get("code") or None


def build_problem(cohort, people, pairs, overrides, mode: str | None = None) -> Problem:
    """The cohort's accepted mentees and mentors (``people``) who are still free, with what is left
    of each mentor's capacity after the confirmed ``pairs``, and the coordinator's pins and forbids."""
    taken = Counter()
    paired_mentees = set()
    for pair in pairs:
        taken[pair["mentor_id"]] += 1
        paired_mentees.add(pair["mentee_id"])
    mentees, mentors = [], []
    for p in people:
        common = dict(
            id=p["id"], arrival=p["arrival"] or 0, mentoring_languages=frozenset(p["mentoring_languages"] or []),
            education_field=p["education_field"], sector=p["sector"], city=p["city"], remote_ok=bool(p["remote_ok"]),
            experience_years=p["experience_years"], employer=p["employer"], interests=p["interests"] or "",
        )
        if p["role"] == "mentee" and p["id"] not in paired_mentees:
            mentees.append(Mentee(
                **common, wished_profession=_code(p["wished_profession"]),
                mother_tongues=frozenset(lang["language"] for lang in p["languages"] or [] if lang.get("level") == "native"),
                excluded_employers=frozenset(p["excluded_employers"] or []),
            ))
        elif p["role"] == "mentor":
            left = (p["capacity"] or 1) - taken[p["id"]]
            if left > 0:
                mentors.append(Mentor(
                    **common, profession=_code(p["profession"]), capacity=left,
                    spoken_languages=frozenset(lang["language"] for lang in p["languages"] or []),
                ))
    free_mentees, free_mentors = {m.id for m in mentees}, {m.id for m in mentors}
    forbidden = frozenset((r["mentee_id"], r["mentor_id"]) for r in overrides if r["kind"] == "forbid")
    pinned = frozenset((r["mentee_id"], r["mentor_id"]) for r in overrides if r["kind"] == "pin"
                       and r["mentee_id"] in free_mentees and r["mentor_id"] in free_mentors)
    programme = cohort["programme"]
    required = frozenset(programme.get("required_mentor_languages") or [])
    return Problem(
        mentees=tuple(mentees), mentors=tuple(mentors),
        rules=Rules(forbidden=forbidden, pinned=pinned, required_mentor_languages=required),
        weights={**DEFAULT_WEIGHTS, **(programme.get("matching_weights") or {})},
        mode=mode or programme.get("matching_mode", "optimal"),
    )


def check_problem(problem: Problem, counts: Counter, names: dict[str, str]) -> None:
    """Raise RunCannotSucceed when the cohort cannot be matched as it stands, saying what to do.
    ``counts`` has the cohort's applications by (role, status), ``names`` their names by id."""
    for role, people, plural in (("mentee", problem.mentees, "mentees"), ("mentor", problem.mentors, "mentors")):
        if people:
            continue
        if not any(count for (r, _), count in counts.items() if r == role):
            raise RunCannotSucceed(f"no_{plural}", f"no {plural} have applied to this cohort yet")
        if not counts[(role, "accepted")]:
            raise RunCannotSucceed(f"no_{plural}", f"the cohort has no accepted {plural}; accept {plural}' applications first")
        if role == "mentee":
            raise RunCannotSucceed("all_mentees_paired", "every accepted mentee already has a confirmed mentor")
        raise RunCannotSucceed("all_mentors_full", "every accepted mentor already has as many confirmed mentees as they can take")
    try:
        resolve_weights(problem.weights)
    except ValueError:
        raise RunCannotSucceed("invalid_weights", "the programme's matching weights are not valid; correct them in the programme") from None
    mentees = {m.id: m for m in problem.mentees}
    mentors = {m.id: m for m in problem.mentors}
    pinned: dict[str, str] = {}
    for mentee_id, mentor_id in sorted(problem.rules.pinned):
        if mentee_id in pinned:
            raise RunCannotSucceed("pin_conflict", f"{names.get(mentee_id)} is pinned to two mentors ({names.get(pinned[mentee_id])} "
                                                   f"and {names.get(mentor_id)}); remove one of the pins")
        pinned[mentee_id] = mentor_id
        rule = pair_rule(mentees[mentee_id], mentors[mentor_id], problem.rules.forbidden, problem.rules.required_mentor_languages)
        if rule is not None:
            raise RunCannotSucceed("pin_breaks_rule", f"the pin of {names.get(mentee_id)} with {names.get(mentor_id)} breaks a hard "
                                                      f"rule ({RULE_TEXTS.get(rule, rule)}); remove the pin")


# --- what a run records --------------------------------------------------------------------------


def new_run(tenant: str, cohort, by: str, trigger: str, mode: str | None, now: datetime) -> dict:
    return {
        "id": str(uuid.uuid4()), "tenant": tenant, "cohort_id": cohort["id"], "status": QUEUED, "trigger": trigger,
        "mode": mode or cohort["programme"].get("matching_mode", "optimal"), "parameters": {}, "requested_by": by,
        "requested_at": now, "attempts": 0,
    }


def abandoned_reason(max_attempts: int) -> str:
    return (f"the run was interrupted {max_attempts} times before it could finish; "
            "the operators have the details in the log")


def unexpected_failure(run_id: str) -> str:
    return f"the run failed unexpectedly; the operators have the details in the log (run {run_id})"


def outcome(problem: Problem, solution, elapsed: float) -> dict:
    """The run's columns once it has succeeded: its parameters, timings, objective and counts."""
    return dict(
        parameters={
            "weights": problem.weights, "mode": problem.mode, "pins": len(problem.rules.pinned),
            "forbids": len(problem.rules.forbidden), "mentor_seats": sum(m.capacity for m in problem.mentors),
            "required_mentor_languages": sorted(problem.rules.required_mentor_languages),
        },
        timings={**{k: round(v, 4) for k, v in solution.timings.items()}, "total": round(elapsed, 4)},
        objective=solution.objective, mentees=len(problem.mentees), mentors=len(problem.mentors),
        matched=solution.matched, unmatched=len(solution.unmatched),
    )


def proposals(run, problem: Problem, solution) -> list[dict]:
    pinned = problem.rules.pinned
    return [{"id": str(uuid.uuid4()), "tenant": run["tenant"], "run_id": run["id"], "cohort_id": run["cohort_id"],
             "mentee_id": pair.mentee_id, "mentor_id": pair.mentor_id, "score": pair.score, "breakdown": pair.breakdown,
             "pinned": (pair.mentee_id, pair.mentor_id) in pinned, "status": "proposed"} for pair in solution.pairs]


def left_unmatched(run, reasons) -> list[dict]:
    return [{"id": str(uuid.uuid4()), "tenant": run["tenant"], "run_id": run["id"], "mentee_id": mentee_id,
             "reason_code": reason.code, "reason": reason.text, "details": _plain(reason.details)}
            for mentee_id, reason in reasons.items()]


def proposed(run, problem: Problem, solution) -> Event:
    return new_event("match.proposed.v1", source="matching", tenant=run["tenant"], subject=f"cohort/{run['cohort_id']}", data={
        "run_id": run["id"], "cohort_id": run["cohort_id"], "mode": problem.mode,
        "proposed": solution.matched, "unmatched": len(solution.unmatched), "objective": solution.objective})


# --- review --------------------------------------------------------------------------------------


def check_open(proposal) -> None:
    if proposal["status"] != "proposed":
        raise ReviewRefused(f"the proposal is {proposal['status']}")


def check_approval(proposal, taken, mentor) -> None:
    """A proposal may be approved while it is open, its mentee has no confirmed mentor and its
    mentor (``taken``: the cohort's confirmed pairs) has a seat left."""
    check_open(proposal)
    if any(p["mentee_id"] == proposal["mentee_id"] for p in taken):
        raise ReviewRefused("the mentee has a confirmed mentor already")
    if sum(1 for p in taken if p["mentor_id"] == proposal["mentor_id"]) >= (mentor["capacity"] or 1):
        raise ReviewRefused("the mentor is at capacity")


def new_pair(proposal, by: str, now: datetime) -> dict:
    return {
        "id": str(uuid.uuid4()), "tenant": proposal["tenant"], "cohort_id": proposal["cohort_id"],
        "mentee_id": proposal["mentee_id"], "mentor_id": proposal["mentor_id"], "run_id": proposal["run_id"],
        "score": proposal["score"], "breakdown": proposal["breakdown"], "status": "confirmed", "confirmed_by": by,
        "confirmed_at": now,
    }


def confirmed(pair, cohort, mentee, mentor) -> Event:
    share = cohort["programme"].get("share_contact_details") or ["email"]
    shared = sorted(set(mentee["mentoring_languages"] or []) & set(mentor["mentoring_languages"] or []),
                    key=lambda lang: _language_order(cohort, lang))
    return new_event("match.confirmed.v1", source="matching", tenant=pair["tenant"], subject=f"pair/{pair['id']}", data={
        **_cohort_data(cohort), "pair_id": pair["id"], "mentee": _person(mentee, share), "mentor": _person(mentor, share),
        "shared_languages": shared, "share_contact_details": share, "score": pair["score"],
        "confirmed_at": pair["confirmed_at"],
    })


def unmatched_told(run, cohort, row, mentee) -> Event:
    return new_event("match.unmatched.v1", source="matching", tenant=run["tenant"], subject=f"application/{row['mentee_id']}",
                     data={**_cohort_data(cohort), "run_id": run["id"], "mentee": _person(mentee, ["email"]),
                           "reason_code": row["reason_code"]})


def check_override_people(people: dict[str, dict], mentee_id: str, mentor_id: str) -> None:
    """A pin or forbid names a mentee and a mentor of the cohort (``people``, by id)."""
    if people.get(mentee_id, {}).get("role") != "mentee" or people.get(mentor_id, {}).get("role") != "mentor":
        refusal = "name a mentee and a mentor of this cohort"
        raise ReviewRefused(refusal, {"mentee_id": [refusal]}, INVALID)


def new_override(tenant: str, cohort_id: str, kind: str, mentee_id: str, mentor_id: str, reason: str, by: str,
                 now: datetime) -> dict:
    return {"id": str(uuid.uuid4()), "tenant": tenant, "cohort_id": cohort_id, "kind": kind, "mentee_id": mentee_id,
            "mentor_id": mentor_id, "reason": reason or "", "created_by": by, "created_at": now}


def opposite(kind: str) -> str:
    return "forbid" if kind == "pin" else "pin"


def check_confirmed(pair) -> None:
    if pair["status"] != "confirmed":
        raise ReviewRefused(f"the pair is {pair['status']}")


def ended(pair, cohort, mentee, mentor, by: str, reason: str, now: datetime) -> Event:
    return new_event("match.ended.v1", source="matching", tenant=pair["tenant"], subject=f"pair/{pair['id']}", data={
        **_cohort_data(cohort), "pair_id": pair["id"], "mentee": _person(mentee, ["email"]), "mentor": _person(mentor, ["email"]),
        "reason": reason, "ended_by": by, "ended_at": now,
    })


def _cohort_data(cohort) -> dict:
    programme = cohort["programme"]
    return {"cohort_id": cohort["id"], "cohort_name": cohort["name"], "programme_id": programme.get("id", ""),
            "programme_name": programme.get("name") or {}, "time_zone": cohort["time_zone"],
            "starts_on": cohort["starts_on"], "ends_on": cohort["ends_on"]}


def _person(application, share: list[str]) -> dict:
    profession = application["profession"] if application["role"] == "mentor" else application["wished_profession"]
    return {
        "application_id": application["id"], "name": application["name"], "email": application["email"],
        "locale": application["locale"], "phone": application["phone"] if "phone" in share else None,
        "languages": list(application["mentoring_languages"] or []),
        "profession_title": (profession or {}).get("title"),
    }


def _language_order(cohort, language: str) -> tuple[int, str]:
    offered = cohort["programme"].get("languages") or []
    return (offered.index(language) if language in offered else len(offered), language)


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in sorted(value) if v is not None] if isinstance(value, set | frozenset) else [_plain(v) for v in value]
    return value
