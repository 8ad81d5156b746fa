"""ISCO-08 as intake reads it. The classification, its data and the rules that compare codes are
shared with matching and live in ``services.shared.reference.isco08``; intake's schemas and API
still reach them by this name."""

from services.shared.reference.isco08 import is_known, occupations

__all__ = ["is_known", "occupations"]
