"""Personal data, declared where it is kept: a table column that holds personal data says whose
it is, what it is kept for, on which legal basis (GDPR Article 6) and for how long, in its
``info``. The record of processing (docs/privacy.md, GDPR Article 30) is written from these
declarations, and a test fails when a column that looks personal has none.

    APPLICANT = terms(who="applicants", basis=CONSENT, retention="until they are erased")
    sa.Column("phone", sa.String(40), info=APPLICANT("to reach them about their application"))

A column's retention says what the code does today, not what it should do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa

CONSENT = "consent (GDPR 6(1)(a))"
CONTRACT = "contract (GDPR 6(1)(b))"
LEGAL_OBLIGATION = "legal obligation (GDPR 6(1)(c))"
LEGITIMATE_INTEREST = "legitimate interest (GDPR 6(1)(f))"
BASES = (CONSENT, CONTRACT, LEGAL_OBLIGATION, LEGITIMATE_INTEREST)

KEY = "personal"  # the key in a column's info


@dataclass(frozen=True)
class Personal:
    """What a column holds of a person, and on what terms."""

    who: str  # whose data: applicants, nominees, staff...
    purpose: str
    basis: str
    retention: str


def personal(purpose: str, *, who: str, basis: str, retention: str) -> dict:
    """A column's ``info``: it holds personal data of ``who``, kept for ``purpose``."""
    if basis not in BASES:
        raise ValueError(f"unknown legal basis {basis!r}: one of {', '.join(BASES)}")
    if not (purpose and who and retention):
        raise ValueError("a personal column names whose data it is, its purpose and its retention")
    return {KEY: Personal(who, purpose, basis, retention)}


def terms(*, who: str, basis: str, retention: str) -> Callable[..., dict]:
    """The terms many columns share: a function of the column's purpose (and, where one column
    differs, its own ``retention``) giving the column's ``info``."""

    def info(purpose: str, *, retention: str = retention) -> dict:
        return personal(purpose, who=who, basis=basis, retention=retention)

    return info


def declared(column: sa.Column) -> Personal | None:
    """The column's declaration, or None when it holds no personal data."""
    return column.info.get(KEY)


def personal_columns(metadata: sa.MetaData) -> Iterator[tuple[sa.Table, sa.Column, Personal]]:
    """Every declared column, table by table in the order the tables were defined."""
    for table in metadata.tables.values():
        for column in table.columns:
            if (terms_ := declared(column)) is not None:
                yield table, column, terms_
