"""Every query of matching, over its own tables: ``tables`` declares them, ``people`` reads and
writes the projection, the pairs and the pins and forbids, ``runs_and_proposals`` the runs with their proposals
and unmatched mentees. The tenant-scoped ``one``, ``rows``, ``found`` and ``update`` are the
shared floor's."""

from services.shared.db import found, one, rows, update  # noqa: F401  (the tenant-scoped queries)

from .tables import (  # noqa: F401
    INBOX,
    OUTBOX,
    applications,
    audit_log,
    cohorts,
    metadata,
    overrides,
    pairs,
    proposals,
    publish,
    runs,
    unmatched,
)
