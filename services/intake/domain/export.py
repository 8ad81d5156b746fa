"""A person's own data, as one JSON document (GDPR Articles 15 and 20): what of each row is
theirs, in plain JSON values. Nothing of another person is in it: the columns that name someone
else (who nominated them, who asked for an erasure, who invited a staff member) are left out."""

from __future__ import annotations

from datetime import datetime

from services.shared import dates

SERVICE = "intake"
# per table, the columns that are someone else's data (or a secret), never exported
OTHERS = {
    "nominations": ("nominated_by",),
    "erasures": ("requested_by",),
    "staff": ("invited_by",),
    "sign_in_codes": ("code_sha256",),  # a code's hash opens nothing, and is nothing about the person
}


def section_rows(table: str, rows) -> list[dict]:
    """The rows of ``table`` as the person receives them: plain JSON, without others' columns."""
    left_out = OTHERS.get(table, ())
    return [dates.iso({k: v for k, v in dict(row).items() if k not in left_out}) for row in rows]


def consent(application, retention: dict) -> dict:
    """The consent an application records: the text's version, when (the last extension's
    moment, if extended), the period, and until when the person's data is kept."""
    return dates.iso({"application_id": application["id"], "cohort_id": application["cohort_id"],
                      "consent_version": application["consent_version"], "consent_at": application["consent_at"],
                      "retention_months": application["retention_months"], **retention})


def waiting_list(application, position: int | None) -> dict:
    return {"application_id": application["id"], "cohort_id": application["cohort_id"], "role": application["role"],
            "position": position}


def document(tenant: str, person_sha256: str, now: datetime, sections: dict[str, list]) -> dict:
    return {"service": SERVICE, "generated_at": now.isoformat(), "tenant": tenant, "person_sha256": person_sha256,
            "sections": sections}
