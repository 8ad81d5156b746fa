"""What the browser tests check on every page: axe finds nothing serious, nothing overflows a
360 px wide phone, the page keeps to its Content-Security-Policy — and a screenshot of it for the
people who read the run."""

from __future__ import annotations

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
LOCALES = ("sv", "fi", "nb", "en")

# axe-core ships inside axe-playwright-python (axe.min.js): nothing is fetched from a network.
_axe = Axe()


def assert_accessible(page) -> None:
    """Fail on any violation axe-core rates serious or critical, listing each with where it is."""
    found = _axe.run(page).response["violations"]
    serious = [v for v in found if v["impact"] in ("serious", "critical")]
    assert not serious, f"{page.url}: axe found\n" + "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:5])}"
        for v in serious)


def assert_fits_a_phone(page, name: str | None = None) -> None:
    """At 360 × 740 the page scrolls only downwards: nothing is wider than the screen (pictured
    as ``<name>-phone`` when named: its first screen)."""
    before = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} is {width} px wide at {PHONE['width']} px"
        if name:
            screenshot(page, f"{name}-phone", full_page=False)  # the first screen a person sees
    finally:
        page.set_viewport_size(before)


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Keep a picture of the page in tests/web/artifacts/ (not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def check_page(page, name: str) -> None:
    """Everything a page must pass: one heading, accessible, fits a phone; pictured on a desktop
    and a phone screen."""
    assert page.locator("h1").count() == 1, f"{page.url}: one <h1> per page"
    assert_accessible(page)
    assert_fits_a_phone(page, name)
    screenshot(page, name)


def heading(page) -> str:
    return page.locator("h1").inner_text().strip()


def language(page) -> str:
    return page.locator("html").get_attribute("lang") or ""


def field_error(page, field: str) -> str:
    """The error shown beside a field (GOV.UK's ``<field>-error``), which the field names in its
    aria-describedby so that a screen reader reads it with the field; "" when there is none."""
    message = page.locator(f"#{field}-error")
    if not message.count():
        return ""
    described = (page.locator(f"#{field}").get_attribute("aria-describedby") or "").split()
    assert f"{field}-error" in described, f"#{field} does not name its error in aria-describedby"
    return message.inner_text().strip()
