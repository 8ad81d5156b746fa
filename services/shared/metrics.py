"""Prometheus metrics shared by every service; correct under gunicorn's several workers.

When ``PROMETHEUS_MULTIPROC_DIR`` is set (gunicorn, and the worker beside it), prometheus-client
keeps per-process files there and ``/metrics`` aggregates them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from importlib import metadata

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily

HTTP_REQUESTS = Counter(
    "tandem_http_requests_total", "HTTP requests answered.", ["service", "route", "method", "status"]
)
HTTP_DURATION = Histogram(
    "tandem_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["service", "route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
EVENTS_PUBLISHED = Counter(
    "tandem_events_published_total", "Events confirmed by the broker.", ["service", "type", "tenant"]
)
EVENTS_CONSUMED = Counter(
    "tandem_events_consumed_total", "Events applied by a handler.", ["service", "type", "tenant"]
)
EVENTS_FAILED = Counter(
    "tandem_events_failed_total", "Handler attempts that raised.", ["service", "type"]
)
EVENTS_DEAD_LETTERED = Counter(
    "tandem_events_dead_lettered_total", "Events sent to the dead-letter queue.", ["service", "type"]
)
INBOX_DUPLICATES = Counter(
    "tandem_inbox_duplicates_total", "Redelivered events skipped by the inbox.", ["service", "type"]
)
EVENTS_UNROUTABLE = Counter(
    "tandem_events_unroutable_total", "Events the broker returned as unroutable.", ["service", "type"]
)


CONSUMER_UP = Gauge(
    "tandem_consumer_up", "1 while the service's consumer is connected to its queue.", ["service"],
    multiprocess_mode="livemax",
)
QUEUE_DEPTH = Gauge(
    "tandem_queue_messages", "Messages waiting in the service's queue and its dead-letter queue.",
    ["service", "queue"], multiprocess_mode="livemax",
)
MATCH_RUNS = Counter(
    "tandem_match_runs_total", "Matching runs by outcome (succeeded, failed).", ["service", "outcome"]
)
MATCH_RUN_DURATION = Histogram(
    "tandem_match_run_duration_seconds", "Time to score and solve a cohort.", ["service"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
# Set by each worker timer when its work is done (and when the worker starts): an alert compares
# the time since with the timer's interval. "max": a stopped worker's last value stays visible.
TIMER_LAST_RUN = Gauge(
    "tandem_timer_last_run_timestamp_seconds",
    "When the worker's timer last finished its work (or the worker started), in seconds since the epoch.",
    ["service", "timer"], multiprocess_mode="max",
)
TIMER_INTERVAL = Gauge(
    "tandem_timer_interval_seconds", "Seconds between two runs of the worker's timer.", ["service", "timer"],
    multiprocess_mode="max",
)
NOTIFICATIONS_SENT = Counter(
    "tandem_notifications_sent_total", "Messages delivered.", ["service", "channel", "tenant"]
)
NOTIFICATIONS_FAILED = Counter(
    "tandem_notifications_failed_total", "Deliveries given up as failed.", ["service", "channel", "tenant"]
)


class BuildInfo:
    """``tandem_build_info{version,revision}`` = 1: the package's version and the revision the image
    was built from (TANDEM_REVISION, set at image build; "unknown" elsewhere)."""

    name = "tandem_build_info"

    def collect(self) -> Iterable[GaugeMetricFamily]:
        try:
            version = metadata.version("tandem")
        except metadata.PackageNotFoundError:
            version = "unknown"
        family = GaugeMetricFamily(
            self.name, "The running build: Tandem's version and the revision it was built from.",
            labels=["version", "revision"],
        )
        family.add_metric([version, os.environ.get("TANDEM_REVISION") or "unknown"], 1)
        return [family]


class GaugeCollector:
    """A gauge whose value is read when scraped (e.g. the outbox backlog from the database)."""

    def __init__(self, name: str, documentation: str, labels: dict[str, str], read: Callable[[], float]):
        self.name, self.documentation, self.labels, self.read = name, documentation, labels, read

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(self.name, self.documentation, labels=list(self.labels))
        try:
            family.add_metric(list(self.labels.values()), float(self.read()))
        except Exception:  # a scrape must not fail because one database is down
            return []
        return [family]


class MergedCollectors:
    """Several collectors as one: families of the same name (each service's outbox backlog, in the
    embedded process that serves all four) become one family, with one HELP and one TYPE line."""

    def __init__(self, collectors: Iterable):
        self.collectors = list(collectors)

    def collect(self) -> Iterable:
        families = {}
        for collector in self.collectors:
            for family in collector.collect():
                if family.name in families:
                    families[family.name].samples.extend(family.samples)
                else:
                    families[family.name] = family
        return list(families.values())


def registry(extra_collectors: Iterable = ()) -> CollectorRegistry:
    """This process's metrics (or, in multiprocess mode, all processes'), plus ``extra_collectors``."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        result = CollectorRegistry()
        multiprocess.MultiProcessCollector(result)
    else:
        result = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):  # the process's default metrics
            result.register(collector)
    result.register(MergedCollectors(extra_collectors))
    result.register(BuildInfo())
    return result


def render(extra_collectors: Iterable = ()) -> tuple[bytes, str]:
    return generate_latest(registry(extra_collectors)), CONTENT_TYPE_LATEST


def serve(port: int, extra_collectors: Iterable = ()) -> None:
    """Expose ``/metrics`` of a worker process on ``port`` (for a scraper that reaches workers)."""
    start_http_server(port, registry=registry(extra_collectors))
