"""The coordinator's list of a cohort's pairs, as rules on plain values: which meetings count as
activity, and what state an agreement's versions are in. ``usecases.pair_list`` reads the page.
"""

from __future__ import annotations

#: Meetings in these states were touched by the pair (or their coordinator), not only planned.
ACTIVE_MEETING = ("proposed", "scheduled", "held", "missed")


def agreement_status(versions: list[dict]) -> str:
    """none, draft (nobody has signed the latest), signing (one of the two has), or signed (in force)."""
    if not versions:
        return "none"
    latest = versions[-1]
    if latest["status"] == "signed":
        return "signed"
    if latest["mentee_signed_at"] or latest["mentor_signed_at"]:
        return "signing"
    return "draft"
