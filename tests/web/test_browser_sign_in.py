"""A representative signs in and nominates mentors in a real browser (Debian's Chromium): the sign-in
form (in each of the four languages), the "check your e-mail" page, the page behind the e-mailed
link with its one button, the signed-in page, the cohorts to nominate to, a cohort's nominations
page with a refused and an accepted nomination, and the page for a used link each pass axe-core without a serious or critical finding
and fit a 360 px wide phone; the session cookie is HttpOnly and SameSite=Lax. A coordinator finds
sign-in from a public page's footer and lands on the console."""

from __future__ import annotations

from .browser import LOCALES, check_page, field_error, heading, language
from .test_browser import said
from .test_sign_in_pages import invite, new_link, sign_in_links


def test_a_representative_signs_in_and_nominates_a_mentor_in_the_browser(tandem, page):
    coordinator = tandem.coordinator()
    programme = tandem.programme(coordinator, member_organisations=[{"id": "akavia", "name": "Akavia"}])
    cohort = tandem.open_cohort(coordinator, programme, nomination_deadline="2027-01-15T16:00:00+00:00")
    email = invite(tandem, coordinator)

    for lang in LOCALES:
        page.goto(f"{tandem.url}/sign-in?lang={lang}")
        assert language(page) == lang and heading(page) == said(lang, "Sign in to Tandem")
        check_page(page, f"sign-in-{lang}")

    known = len(sign_in_links(tandem, email))
    page.fill("#email", email)
    with page.expect_navigation():
        page.get_by_role("button", name=said("en", "Send me a sign-in link")).click()
    assert heading(page) == said("en", "Check your e-mail")
    check_page(page, "sign-in-sent")

    link = tandem.url + new_link(tandem, email, known)
    page.goto(link)
    assert heading(page) == said("en", "Sign in to Tandem")
    check_page(page, "sign-in-button")
    with page.expect_navigation():
        page.get_by_role("button", name=said("en", "Sign in")).click()
    assert heading(page) == said("en", "You are signed in")
    check_page(page, "staff")
    cookie = next(c for c in page.context.cookies() if c["name"] == "tandem_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"

    with page.expect_navigation():
        page.get_by_role("link", name=said("en", "Nominate mentors from your organisation")).click()
    assert heading(page) == said("en", "Nominate mentors")
    check_page(page, "nominations-overview")
    with page.expect_navigation():
        page.get_by_role("link", name=said("en", "Nominate a mentor to %(cohort)s") % {"cohort": cohort["name"]}).click()
    page.fill("#name", "Nora Nominerad")
    page.fill("#email", "nora@example.se")
    page.fill("#rank", "first")
    with page.expect_navigation():
        page.get_by_role("button", name=said("en", "Nominate"), exact=True).click()
    assert field_error(page, "rank") and page.locator("#name").input_value() == "Nora Nominerad"
    check_page(page, "nominations-error")
    page.fill("#rank", "1")
    with page.expect_navigation():
        page.get_by_role("button", name=said("en", "Nominate"), exact=True).click()
    assert page.locator("ol.nominations li").count() == 1
    check_page(page, "nominations")
    page.goto(f"{tandem.url}/nominations")
    assert page.locator("ol.nominations li").count() == 1

    page.goto(link)
    with page.expect_navigation():
        page.get_by_role("button", name=said("en", "Sign in")).click()
    assert heading(page) == said("en", "This sign-in link does not work")
    check_page(page, "sign-in-used")
    assert not page.problems, page.problems


def test_a_coordinator_finds_sign_in_in_the_footer_and_lands_on_the_console(tandem, page):
    coordinator = tandem.coordinator()
    email = invite(tandem, coordinator, role="coordinator")
    page.goto(f"{tandem.url}/links?lang=nb")
    with page.expect_navigation():
        page.locator("footer").get_by_role("link", name=said("nb", "Sign in for staff")).click()
    assert heading(page) == said("nb", "Sign in to Tandem")
    known = len(sign_in_links(tandem, email))
    page.fill("#email", email)
    with page.expect_navigation():
        page.get_by_role("button", name=said("nb", "Send me a sign-in link")).click()
    page.goto(tandem.url + new_link(tandem, email, known))
    with page.expect_navigation():
        page.get_by_role("button", name=said("nb", "Sign in")).click()
    assert page.url.startswith(tandem.url + "/console"), page.url  # the console, not /staff

    page.goto(f"{tandem.url}/staff?lang=nb")
    assert heading(page) == said("nb", "You are signed in")
    assert tandem.tenants[coordinator].title() in page.inner_text("main")
    check_page(page, "staff-coordinator")
    with page.expect_navigation():
        page.get_by_role("link", name=said("nb", "Open the console")).click()
    assert page.url.startswith(tandem.url + "/console"), page.url
    assert not page.problems, page.problems
