"""A scrape of every service passes `promtool check metrics` with the operations metrics in it: the
embedded platform while its workers' timers run, the web front's own /metrics, and a scrape in
gunicorn's multiprocess mode (as production runs). tandem_build_info names the version and the
image's revision; a timer's last run moves only when its work is done."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from importlib import metadata

import pytest
from werkzeug.test import Client

from services.shared import metrics
from services.shared.config import SERVICES
from services.shared.worker import ServiceWorker, Timer

from .conftest import ROOT, run

# What TandemTimerAbsent watches (tests/deploy/test_alerts.py keeps it equal to the workers' timers).
TIMERS = {("intake", "cohort-calendar"), ("matching", "runs"), ("scheduling", "agenda"),
          ("notify", "dispatch-email"), ("notify", "dispatch-webhooks")}
SAMPLE = re.compile(r'^(\w+)\{([^}]*)\} (\S+)$', re.M)


def samples(text: str, name: str) -> dict[frozenset, float]:
    return {frozenset(re.findall(r'(\w+)="([^"]*)"', labels)): float(value)
            for family, labels, value in SAMPLE.findall(text) if family == name}


def lint(promtool: str, text: str) -> None:
    answer = run(promtool, "check", "metrics", input=text)
    assert answer.returncode == 0, answer.stdout + answer.stderr


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """The embedded platform with its workers running, every timer every 50 ms."""
    from services import embedded

    patch = pytest.MonkeyPatch()
    patch.setenv("TANDEM_DATA_DIR", str(tmp_path_factory.mktemp("lint")))
    patch.setenv("AMQP_URL", "memory://")
    patch.setenv("TANDEM_SIGNING_KEY", "lint-test")
    for name in ("DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR", *(f"{s.upper()}_DATABASE_URL" for s in SERVICES)):
        patch.delenv(name, raising=False)
    try:
        platform = embedded.build()
        for worker in platform.workers.values():
            for timer in worker.timers:
                timer.interval = 0.05
        started = time.time()
        platform.start_workers()
        yield platform, started
    finally:
        platform.shutdown()
        patch.undo()


def test_the_embedded_scrape_with_running_timers_passes_promtool(promtool, platform):
    platform, started = platform
    client = Client(platform.wsgi)
    deadline = time.monotonic() + 20
    while True:  # until every watched timer has done its work once since the workers started
        text = client.get("/metrics").get_data(as_text=True)
        last = {tuple(sorted(dict(k).values())): v for k, v in samples(text, "tandem_timer_last_run_timestamp_seconds").items()}
        late = [t for t in TIMERS if last.get(tuple(sorted(t)), 0) <= started + 0.04]
        if not late or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not late, f"timers that did not run: {late}"
    intervals = samples(text, "tandem_timer_interval_seconds")
    for service, timer in TIMERS:
        assert intervals[frozenset({("service", service), ("timer", timer)})] == 0.05
    lint(promtool, text)


def test_the_web_front_scrape_passes_promtool(promtool, platform):
    from services.web.app import create_app

    web = create_app()
    client = Client(web)
    client.get("/healthz")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'tandem_http_requests_total{method="GET",route="/healthz",service="web",status="200"}' in text
    assert "tandem_build_info{" in text
    lint(promtool, text)


def test_build_info_names_the_version_and_the_revision(monkeypatch):
    monkeypatch.setenv("TANDEM_REVISION", "3f9c2ab")
    body = metrics.render()[0].decode()
    version = metadata.version("tandem")
    assert f'tandem_build_info{{revision="3f9c2ab",version="{version}"}} 1.0' in body
    monkeypatch.delenv("TANDEM_REVISION")
    assert f'tandem_build_info{{revision="unknown",version="{version}"}} 1.0' in metrics.render()[0].decode()


def test_a_failing_timer_keeps_its_last_run(monkeypatch):
    """The last run moves when the tick succeeds; a tick that raises leaves it, so the alert fires."""
    ticks = {"ok": 0, "broken": 0}

    def ok():
        ticks["ok"] += 1

    def broken():
        ticks["broken"] += 1
        raise RuntimeError("the database is away")

    stop = threading.Event()
    before = time.time()
    threads = [threading.Thread(target=ServiceWorker._every, args=("lint", Timer(name, 0.02, tick), stop), daemon=True)
               for name, tick in (("ok", ok), ("broken", broken))]
    metrics.TIMER_LAST_RUN.labels("lint", "broken").set(before - 100)
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while (ticks["ok"] < 3 or ticks["broken"] < 3) and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    assert metrics.TIMER_LAST_RUN.labels("lint", "ok")._value.get() >= before
    assert metrics.TIMER_LAST_RUN.labels("lint", "broken")._value.get() == before - 100


MULTIPROCESS = """
import sys
from services.shared import metrics
metrics.HTTP_REQUESTS.labels("intake", "/programmes", "GET", "200").inc()
metrics.HTTP_DURATION.labels("intake", "/programmes", "GET").observe(0.2)
metrics.TIMER_INTERVAL.labels("intake", "cohort-calendar").set(30)
metrics.TIMER_LAST_RUN.labels("intake", "cohort-calendar").set_to_current_time()
metrics.CONSUMER_UP.labels("matching").set(1)
sys.stdout.write(metrics.render()[0].decode())
"""


def test_a_multiprocess_scrape_passes_promtool(promtool, tmp_path):
    """Under gunicorn every process writes its files in PROMETHEUS_MULTIPROC_DIR; /metrics merges
    them (two processes here)."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "TANDEM_REVISION": "3f9c2ab"}
    for _ in range(2):
        answer = subprocess.run([sys.executable, "-c", MULTIPROCESS], capture_output=True, text=True,
                                env=env, cwd=ROOT, timeout=60)
        assert answer.returncode == 0, answer.stderr
    text = answer.stdout
    assert 'tandem_http_requests_total{method="GET",route="/programmes",service="intake",status="200"} 2.0' in text
    assert 'tandem_timer_interval_seconds{service="intake",timer="cohort-calendar"} 30.0' in text
    assert 'tandem_timer_last_run_timestamp_seconds{service="intake",timer="cohort-calendar"}' in text
    assert text.count("tandem_build_info{") == 1 and 'revision="3f9c2ab"' in text
    lint(promtool, text)
