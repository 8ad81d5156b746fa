"""ISCO-08, the ILO's International Standard Classification of Occupations (2008), as data.

ESCO builds on ISCO-08, and the national classifications of the programmes' countries (Swedish
SSYK 2012, Finnish Ammattiluokitus 2010, Norwegian STYRK-08) are adaptations of it, so an
applicant's profession is recorded as an ISCO-08 code and shown in the reader's language.

The classification has four levels, each code one digit longer than its parent's:

    1 major group      "2"     Professionals
    2 sub-major group  "26"    Legal, social and cultural professionals
    3 minor group      "261"   Legal professionals
    4 unit group       "2611"  Lawyers

Every group carries a label in English (the official ILO title), Swedish, Finnish and Norwegian
bokmål. The data lives beside this module in ``isco08.json`` and is read once, on first use.

Intake checks and labels the codes people give; matching compares them (``shared_level``: how
deep a mentee's wished profession and a mentor's share a group) and names a group in its reasons.
This is the one place both read them from. Plain Python: no Flask, no SQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType

DATA_FILE = Path(__file__).resolve().parent / "isco08.json"
LOCALES = ("en", "sv", "fi", "nb")
FALLBACK_LOCALE = "en"
LEVELS = {1: "major group", 2: "sub-major group", 3: "minor group", 4: "unit group"}
_CODE = re.compile(r"[0-9]{1,4}")


@dataclass(frozen=True)
class Occupation:
    """One ISCO-08 group: its code, level (1–4), parent code (None for a major group) and labels."""

    code: str
    level: int
    parent: str | None
    labels: Mapping[str, str] = field(hash=False, compare=False)

    def label(self, locale: str = FALLBACK_LOCALE) -> str:
        """The label in ``locale``, or the English one when there is none in that language."""
        return self.labels.get(_locale(locale)) or self.labels[FALLBACK_LOCALE]


def _locale(locale: str) -> str:
    """'sv-SE', 'sv_FI' and 'SV' all mean 'sv'; 'no' (Norwegian) means bokmål."""
    base = locale.replace("_", "-").split("-", 1)[0].lower()
    return "nb" if base == "no" else base


@cache
def _index() -> dict[str, Occupation]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        rows = json.load(fh)
    return {
        row["code"]: Occupation(
            code=row["code"], level=row["level"], parent=row["parent"],
            labels=MappingProxyType(dict(row["labels"])),
        )
        for row in rows
    }


def occupations(level: int | None = None) -> list[Occupation]:
    """All groups in code order, or only those at ``level`` (1 major … 4 unit group)."""
    groups = _index().values()
    return [o for o in groups if level is None or o.level == level]


def occupation(code: str) -> Occupation | None:
    """The group with this code, or None if ISCO-08 has no such group."""
    return _index().get(code) if isinstance(code, str) else None


def is_known(code: str) -> bool:
    """Whether ``code`` is a group of ISCO-08 at any level (e.g. "2", "26", "261", "2611")."""
    return occupation(code) is not None


def _known(code: str) -> Occupation:
    found = occupation(code)
    if found is None:
        raise KeyError(f"{code!r} is not an ISCO-08 code")
    return found


def label(code: str, locale: str = FALLBACK_LOCALE) -> str:
    """The group's label in ``locale``, falling back to English; KeyError for an unknown code."""
    return _known(code).label(locale)


def ancestors(code: str) -> list[str]:
    """The codes of the groups above this one, nearest first: "2611" → ["261", "26", "2"].

    KeyError for an unknown code.
    """
    found = _known(code)
    return [found.code[:n] for n in range(found.level - 1, 0, -1)]


def search(text: str, locale: str = FALLBACK_LOCALE, limit: int = 20) -> list[Occupation]:
    """Groups whose label contains ``text`` (case-insensitive), at most ``limit`` of them.

    Matches on the label in ``locale`` come before those found only on the English label; within
    each, unit groups come first, then minor, sub-major and major groups, each in code order.
    """
    needle = text.strip().casefold()
    if not needle or limit <= 0:
        return []
    loc = _locale(locale)
    hits: list[tuple[int, int, str, Occupation]] = []
    for group in _index().values():
        if needle in group.label(loc).casefold():
            rank = 0
        elif needle in group.labels[FALLBACK_LOCALE].casefold():
            rank = 1
        else:
            continue
        hits.append((rank, -group.level, group.code, group))
    hits.sort(key=lambda hit: hit[:3])
    return [hit[3] for hit in hits[:limit]]


def as_code(value: str | None) -> str | None:
    """The trimmed value if it is 1 to 4 digits, else None: the shape of a code, known or not."""
    if value is None:
        return None
    code = value.strip()
    return code if _CODE.fullmatch(code) else None


def shared_level(a: str | None, b: str | None) -> int:
    """How deep two codes share a group: 4 same unit group, 3 same minor group, 2 same sub-major
    group, 1 same major group, 0 nothing in common, compared on the digits both have (so at most
    the shorter code's level): ("2611", "26") -> 2. A value that is not shaped like a code
    (``as_code``) shares nothing; whether ISCO-08 lists the code is not asked."""
    a, b = as_code(a), as_code(b)
    if a is None or b is None:
        return 0
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared


def same_group_level(a: str, b: str) -> int:
    """``shared_level`` of two groups ISCO-08 lists; 0 when either code is unknown.

    ("2611", "261") -> 3, since 2611 lies in minor group 261.
    """
    if not (is_known(a) and is_known(b)):
        return 0
    return shared_level(a, b)
