"""A pair's rules on plain values: which meetings are still to happen, the programme's cadence
and the due windows it gives the cohort, and the link to a person's meeting plan.
``usecases.pairs`` applies matching's events to pairs."""

from __future__ import annotations

from datetime import datetime

from . import links, plan
from .messages import PairContext

# a meeting still to happen: it follows the plan, and an early end cancels it
OPEN = ("planned", "proposed", "scheduled")


def cadence(cohort: dict) -> tuple[int, int]:
    programme = cohort.get("programme") or {}
    return int(programme.get("meeting_every_months") or 1), int(programme.get("meeting_minutes") or 120)


def windows(cohort: dict) -> list[plan.DueWindow]:
    return plan.due_windows(cohort["starts_on"], cohort["ends_on"], cadence(cohort)[0])


def my_plan_link(ctx: PairContext, role: str, now: datetime) -> str:
    return links.page(ctx.tenant, ctx.pair[f"{role}_id"], f"/pairs/{ctx.pair['id']}/meetings",
                      ends_on=ctx.cohort["ends_on"], time_zone=ctx.time_zone, now=now)
