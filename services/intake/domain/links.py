"""Sending a person their personal links again ("I lost the e-mail"): every application and
mentor form an address has, fresh links to each, in one message per tenant.

Anyone may ask for any address, so the answer never says whether it is known (the API answers
the same either way) and the links go only to the address itself. Each tenant sends an address
its links at most once every ``RESEND_AFTER``: asking again meanwhile sends nothing, so the
request cannot be used to flood someone's mailbox. Tenants never share a message: a person who
applied through two organisations gets one from each, with that organisation's links only.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby

from services.shared.contract import Event, new_event

from .applications import manage_link
from .nominations import form_link
from .programmes import localized

RESEND_AFTER = timedelta(minutes=10)


def by_tenant(applications: list, mentor_forms: list) -> list[tuple[str, list[dict]]]:
    """An address's applications (not withdrawn) and mentor forms still to fill in, grouped by
    tenant, each tenant's newest first."""
    found = sorted([*({**a, "kind": "application"} for a in applications),
                    *({**n, "kind": "mentor_form", "role": "mentor", "status": None} for n in mentor_forms)],
                   key=lambda item: (item["tenant"], item["at"]), reverse=True)
    return [(tenant, list(items)) for tenant, items in groupby(found, key=lambda item: item["tenant"])]


def links_requested(tenant: str, email: str, digest: str, locale: str | None, items: list[dict], settings,
                    tenant_name: str) -> Event:
    """The event that has notify send the tenant's links to the address, with a fresh link to each item."""
    latest = items[0]  # newest first: their latest name, language and time zone
    locale = locale or latest["locale"]
    links = []
    for item in items:
        entry = {"kind": item["kind"], "id": item["id"], "cohort_id": item["cohort_id"], "cohort_name": item["cohort_name"],
                 "programme_name": localized(item["names"], locale, item["programme_locale"]),
                 "role": item["role"], "status": item["status"], "link_expires_at": None}
        if item["kind"] == "application":
            entry["link"] = manage_link(settings, item)
        else:
            entry["link"], entry["link_expires_at"] = form_link(settings, item)
        links.append(entry)
    data = {"name": latest["name"], "email": email, "locale": locale, "time_zone": latest["time_zone"],
            "tenant_name": tenant_name, "links": links}
    return new_event("person.links_requested.v1", source="intake", tenant=tenant, subject=f"person/{digest[:16]}", data=data)
