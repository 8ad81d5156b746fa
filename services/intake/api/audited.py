"""A view's answer put on the audit log as it goes out: one line in a view that shows or changes
a person's row (an application, a nomination, a staff member), named by the row's address.
``services.shared.audit`` writes nothing for a person's own link; an operator's act is recorded
under the row's tenant."""

from services.shared import audit


def read(object_type: str, row):
    """``row`` (with its ``id`` and ``email``) was shown to staff or an operator."""
    audit.note(audit.READ, object_type, row["id"], email=row["email"], tenant=row.get("tenant"))
    return row


def read_many(object_type: str, rows):
    for r in rows:
        audit.note(audit.READ, object_type, r["id"], email=r["email"], tenant=r.get("tenant"))
    return rows


def changed(object_type: str, row):
    """``row`` was written by staff or an operator; it is answered as it is now."""
    audit.note(audit.CHANGE, object_type, row["id"], email=row["email"], tenant=row.get("tenant"))
    return row
