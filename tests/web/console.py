"""A coordinator signed in to the console, as the console's tests need one: in the page tests'
Flask client, and in Chromium through the sign-in link in the mailbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tests.skeleton import expect

from .test_sign_in_pages import new_link, sign_in_links


@dataclass
class Coordinator:
    """A tenant with a coordinator in its staff directory: their e-mail and API token (for setting
    things up through the API), and the tenant's slug."""

    email: str
    token: str
    tenant: str


def coordinator(tandem, locale: str = "sv") -> Coordinator:
    """A new tenant, its first coordinator invited by the operator, and an API token for them."""
    token = tandem.coordinator()
    slug = tandem.tenants[token]
    email = f"coordinator-{uuid.uuid4().hex[:8]}@{slug}.example.se"
    expect(tandem.send("POST", f"/intake/tenants/{slug}/staff",
                       {"email": email, "name": "Maria Virtanen", "role": "coordinator", "locale": locale},
                       tandem.operator), 201)
    new_link(tandem, email, 0)  # the invitation has arrived: a later link is the next one
    return Coordinator(email=email, token=token, tenant=slug)


def sign_in(tandem, client, person: Coordinator) -> None:
    """Sign ``person`` in to the web front's test ``client`` with a link from their e-mail."""
    known = len(sign_in_links(tandem, person.email))
    assert client.post("/sign-in", data={"email": person.email}).status_code == 200
    link = new_link(tandem, person.email, known)
    answer = client.post(link)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]


def sign_in_browser(tandem, page, person: Coordinator, lang: str = "sv") -> None:
    """Sign ``person`` in on the page, as they would: the form, the link in the e-mail, the button."""
    known = len(sign_in_links(tandem, person.email))
    page.goto(f"{tandem.url}/sign-in?lang={lang}")
    page.fill("input[name=email]", person.email)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    link = new_link(tandem, person.email, known)
    page.goto(f"{tandem.url}{link}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
