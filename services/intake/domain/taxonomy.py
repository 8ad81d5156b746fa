"""ISCO-08 as intake reads it: the classification and its data are shared with matching and live
in ``services.shared.reference.isco08``; this name stays for intake's schemas and API."""

from services.shared.reference.isco08 import (
    FALLBACK_LOCALE,
    LEVELS,
    LOCALES,
    Occupation,
    ancestors,
    is_known,
    label,
    occupation,
    occupations,
    same_group_level,
    search,
)

__all__ = [
    "FALLBACK_LOCALE", "LEVELS", "LOCALES", "Occupation", "ancestors", "is_known", "label", "occupation",
    "occupations", "same_group_level", "search",
]
