"""Every /metrics Tandem serves passes `promtool check metrics`: the embedded root (one process
serving all four services), each service app, and a worker's own endpoint."""

from __future__ import annotations

import socket
import threading
import urllib.request

import pytest
from werkzeug.test import Client

from services.shared import metrics
from services.shared.config import SERVICES

from .conftest import run


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    from services import embedded

    patch = pytest.MonkeyPatch()
    patch.setenv("TANDEM_DATA_DIR", str(tmp_path_factory.mktemp("scrape")))
    patch.setenv("AMQP_URL", "memory://")
    patch.setenv("TANDEM_SIGNING_KEY", "scrape-test")
    for name in ("DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", *(f"{s.upper()}_DATABASE_URL" for s in SERVICES)):
        patch.delenv(name, raising=False)
    try:
        yield embedded.build()
    finally:
        patch.undo()


def promtool_accepts(promtool: str, text: str) -> None:
    answer = run(promtool, "check", "metrics", input=text)
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert text.count("# TYPE tandem_outbox_backlog ") <= 1


def test_the_embedded_root_scrape_passes_promtool(promtool, platform):
    text = Client(platform.wsgi).get("/metrics").get_data(as_text=True)
    assert text.count('tandem_outbox_backlog{service="') == len(SERVICES), "every service's backlog, once"
    promtool_accepts(promtool, text)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_scrape_passes_promtool(promtool, platform, service):
    text = Client(platform.apps[service]).get(f"/{service}/metrics").get_data(as_text=True)
    promtool_accepts(promtool, text)


def test_a_worker_scrape_passes_promtool(promtool, platform):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    threading.Thread(target=metrics.serve, args=(port,), daemon=True).start()
    text = ""
    for _ in range(50):  # until the worker's endpoint answers
        try:
            text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
            break
        except OSError:
            threading.Event().wait(0.1)
    assert "tandem_events_consumed_total" in text
    promtool_accepts(promtool, text)
