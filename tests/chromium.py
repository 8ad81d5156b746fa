"""Debian's Chromium for the browser tests, driven by Playwright — one browser for the whole run.

Chromium is the distribution's (/usr/bin/chromium), never a browser Playwright downloads. Without
it these tests skip on a workstation and fail in CI (``CI`` set, or TANDEM_REQUIRE_SERVICES=1),
the rule tests/conftest.py applies to RabbitMQ and PostgreSQL. Playwright's sync API runs one
instance per process, so the ``browser`` fixture lives in tests/conftest.py for every folder.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM = os.environ.get("TANDEM_TEST_CHROMIUM", "/usr/bin/chromium")
REQUIRE = (
    os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
    or os.environ.get("TANDEM_REQUIRE_SERVICES") == "1"
)
# Quiet and self-contained: no sandbox (the tests run as root), nothing fetched in the background.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def need_chromium() -> None:
    message = None
    if not os.access(CHROMIUM, os.X_OK):
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    else:
        try:
            import axe_playwright_python  # noqa: F401
            import playwright.sync_api  # noqa: F401
        except ImportError as error:
            message = f"{error.name} is not installed"
    if message is None:
        return
    if REQUIRE:
        pytest.fail(f"{message} and the browser tests are required here")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session. Playwright's launch gives it a fresh user-data
    directory of its own (removed when it closes); each test gets a new context, so no cookie
    or storage carries from one test to the next."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A new page on a desktop-sized screen; it records what went wrong on the way: a script
    error, a script or style the Content-Security-Policy refused (the console says so), an asset
    that did not load. (A page may answer 404 or 503 itself, on purpose.)"""
    from tests.web.browser import DESKTOP

    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    opened.problems = []
    opened.on("pageerror", lambda e: opened.problems.append(str(e)))
    opened.on("console", lambda m: m.type == "error" and not m.text.startswith("Failed to load resource")
              and opened.problems.append(m.text))
    # the browser asks for /favicon.ico by itself: not the page's doing
    opened.on("response", lambda r: r.status >= 400 and r.request.resource_type != "document"
              and not r.url.endswith("/favicon.ico") and opened.problems.append(f"{r.status} {r.url}"))
    yield opened
    context.close()
