"""A person's own data as one JSON document (GDPR Art. 15 and 20): which tables it is made of,
and how each row reads in it — dates as ISO 8601 text, no calendar secret, and no other person
named but the partner in the agreement the pair shared.

Every table of scheduling's metadata is either exported (``SECTIONS``) or says why not
(``WITHHELD``); a test fails when a table is in neither.
"""

from __future__ import annotations

from datetime import datetime

from services.shared import dates

# table -> the section of the document it is exported in
SECTIONS = {
    "participants": "participants",
    "pairs": "pairs",
    "agreements": "agreements",
    "meetings": "meetings",
    "attendance": "attendance",
    "calendar_feeds": "calendar_feeds",
    "due_work": "due_work",
}
# table -> why it is not exported
WITHHELD = {
    "cohorts": "the cohort's dates and programme settings, the same for everyone in it (no one's personal data)",
    "cohort_events": "the cohort's group events, the same for everyone in it (the person's attendance is exported)",
    "outbox": "messages between services, kept until sent",
    "inbox": "messages between services: the ids of the events applied, nothing of their content",
    "audit_log": "the record of staff access, reported on request by the data-protection officer",
}
# what a row of a section leaves out: the key to a calendar is not data about anyone
LEFT_OUT = {"calendar_feeds": ("secret_sha256",)}
# who wrote or ended something, as the document says it: the pair's roles as they are, staff as "staff"
BY_COLUMNS = {"pairs": "ended_by", "agreements": "created_by", "attendance": "recorded_by", "calendar_feeds": "created_by"}
NAMED_BY_ROLE = ("scheduling", "mentee", "mentor")


def by_whom(by: str | None, own_ids: set[str]) -> str | None:
    """A staff member's address is theirs, not the person's: it reads as "staff"."""
    if by is None or by in NAMED_BY_ROLE or by in own_ids:
        return by
    return "staff"


def row_out(table: str, row: dict, own_ids: set[str]) -> dict:
    out = {k: v for k, v in row.items() if k not in LEFT_OUT.get(table, ())}
    if table in BY_COLUMNS:
        column = BY_COLUMNS[table]
        out[column] = by_whom(out.get(column), own_ids)
    return dates.iso(out)


def partner_of(pair: dict, own_ids: set[str]) -> tuple[str, str]:
    """(the partner's role, their application id) in one of the person's pairs."""
    if pair["mentee_id"] in own_ids:
        return "mentor", pair["mentor_id"]
    return "mentee", pair["mentee_id"]


def document(tenant: str, person_sha256: str | None, rows: dict[str, list[dict]], own_ids: set[str],
             partner_names: dict[str, str], now: datetime) -> dict:
    """The document: each table's rows in its section; each agreement version with the partner's
    name, as the pair shared it."""
    sections: dict[str, list[dict]] = {section: [] for section in SECTIONS.values()}
    partners = {pair["id"]: partner_of(pair, own_ids) for pair in rows.get("pairs", [])}
    for table, section in SECTIONS.items():
        for row in rows.get(table, []):
            out = row_out(table, dict(row), own_ids)
            if table == "agreements" and row["pair_id"] in partners:
                role, partner_id = partners[row["pair_id"]]
                out["partner"] = {"role": role, "application_id": partner_id, "name": partner_names.get(partner_id)}
            sections[section].append(out)
    return {"service": "scheduling", "generated_at": now.isoformat(), "tenant": tenant,
            "person_sha256": person_sha256, "sections": sections}
