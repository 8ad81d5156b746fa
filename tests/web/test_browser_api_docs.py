"""Each API's /docs page works with nothing but Tandem: opened in Chromium (Debian's) with every
request to another host refused, Swagger UI draws the API's operations from assets the API serves
itself, under the page's Content-Security-Policy and without a script or style refused; and the
descriptions it shows mark code CommonMark's way, not in the docstrings' doubled backticks."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from services.shared.api import SWAGGER_UI, SWAGGER_UI_VERSION

from .browser import screenshot

SERVICES = ("intake", "matching", "scheduling", "notify")


def _texts(node, keys=("description", "summary")):
    """Every description and summary in a spec, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys and isinstance(value, str):
                yield key, value
            else:
                yield from _texts(value, keys)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item, keys)


@pytest.mark.parametrize("service", SERVICES)
def test_the_docs_page_draws_the_operations_from_tandem_alone(tandem, page, service):
    origin = urlsplit(tandem.url).netloc
    elsewhere: list[str] = []

    def only_tandem(route):
        url = urlsplit(route.request.url)
        if url.scheme == "data" or (url.scheme == "http" and url.netloc == origin):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    page.context.route("**/*", only_tandem)
    answer = page.goto(f"{tandem.url}/{service}/docs")
    assert answer.status == 200
    assert "default-src 'self'" in answer.headers["content-security-policy"]

    operations = page.locator(".opblock")
    operations.first.wait_for(state="visible")
    spec = json.loads(urllib.request.urlopen(f"{tandem.url}/{service}/openapi.json", timeout=10).read())
    assert operations.count() == sum(
        1 for ops in spec["paths"].values() for method in ops if method in ("get", "post", "put", "patch", "delete"))
    assert page.locator(".info .title").inner_text().startswith(f"Tandem {service}")
    assert "``" not in page.locator("#swagger-ui").inner_text()
    screenshot(page, f"api-docs-{service}")

    assert not elsewhere, f"asked hosts other than Tandem: {elsewhere}"
    assert not page.problems, page.problems
    loaded = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert f"{tandem.url}/{service}/docs/assets/{SWAGGER_UI_VERSION}/swagger-ui-bundle.js" in loaded


def test_an_operations_description_shows_code_as_code(tandem, page):
    page.goto(f"{tandem.url}/intake/docs")
    mine = page.locator(".opblock-get").filter(has=page.locator('[data-path="/applications/mine"]'))
    mine.locator(".opblock-summary-control").click()
    description = mine.locator(".opblock-description")
    description.wait_for(state="visible")
    assert description.locator("code").inner_text() == "?token="
    assert "`" not in description.inner_text()
    screenshot(page, "api-docs-intake-description", full_page=False)
    assert not page.problems, page.problems


@pytest.mark.parametrize("service", SERVICES)
def test_no_description_in_the_served_spec_keeps_rst_double_backticks(tandem, service):
    spec = json.loads(urllib.request.urlopen(f"{tandem.url}/{service}/openapi.json", timeout=10).read())
    texts = list(_texts(spec))
    assert texts, "the spec describes nothing"
    assert not [text for _, text in texts if "``" in text]


def test_what_the_page_loads_is_in_the_package():
    """The files sit in the package's static folder (pyproject's package-data takes ``static/**``)."""
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-16x16.png", "favicon-32x32.png", "LICENSE"):
        assert (SWAGGER_UI / SWAGGER_UI_VERSION / name).is_file(), name
    assert (SWAGGER_UI / "tandem-docs.js").is_file()


def test_a_path_out_of_the_assets_folder_is_not_served(tandem):
    for path in ("../api.py", "..%2fapi.py", "%2e%2e/%2e%2e/api.py"):
        try:
            with urllib.request.urlopen(f"{tandem.url}/intake/docs/assets/{path}", timeout=10) as answer:
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        assert status == 404, path
