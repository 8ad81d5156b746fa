"""Every query of notify, over its own tables: ``tables`` declares them (and who holds a
dispatcher's claims), ``people`` reads and writes what notify knows of cohorts and people and their
preferences, ``log`` the delivery log (queueing, a coordinator's look, a delivery sent again),
``claims`` a dispatcher's claims on it and the outcomes it records, ``tenant_setup`` a
tenant's own wording, webhooks and announcements, ``erasure`` and ``export`` a person's rows
erased or handed back to them; ``audit_log`` is who read or changed a person's data. The tenant-scoped ``one``, ``rows``, ``found``
and ``update`` are the shared floor's."""

from services.shared.db import found, one, rows, update  # noqa: F401  (the tenant-scoped queries)

from .tables import (  # noqa: F401
    INBOX,
    OUTBOX,
    ClaimOwner,
    abandoned,
    announcements,
    audit_log,
    cohorts,
    deliveries,
    metadata,
    preferences,
    publish,
    publish_many,
    recipients,
    template_overrides,
    webhook_endpoints,
    webhook_secrets,
)
