"""A service's worker: its consumer, its outbox relay and its timers, each in a thread."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from . import metrics
from .bus import EventConsumer, HandlerTable, publisher_factory, queue_depths
from .config import Settings
from .outbox import OutboxRelay

log = logging.getLogger(__name__)


@dataclass
class Timer:
    """Work the worker does every ``interval`` seconds (e.g. closing cohorts at their deadline)."""

    name: str
    interval: float
    tick: Callable[[], object]


@dataclass
class ServiceWorker:
    settings: Settings
    engine: Engine
    outbox_table: sa.Table
    inbox_table: sa.Table
    handlers: HandlerTable
    timers: list[Timer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.consumer = EventConsumer(self.settings, self.engine, self.inbox_table, self.handlers)
        self.relay = OutboxRelay(
            self.settings.service,
            self.engine,
            self.outbox_table,
            publisher_factory(self.settings),
            batch=self.settings.relay_batch,
            interval=self.settings.relay_interval,
        )
        self.threads: list[threading.Thread] = []
        self.timers = [*self.timers, Timer("queue-depth", 15.0, self.measure_queues)]

    def measure_queues(self) -> None:
        for queue, depth in queue_depths(self.settings).items():
            metrics.QUEUE_DEPTH.labels(self.settings.service, queue).set(depth)

    def start(self, stop: threading.Event) -> list[threading.Thread]:
        name = self.settings.service
        targets = [(f"{name}-relay", self.relay.run)]
        if self.handlers.handlers:
            targets.append((f"{name}-consumer", self.consumer.run))
        for timer in self.timers:
            metrics.TIMER_INTERVAL.labels(name, timer.name).set(timer.interval)
            metrics.TIMER_LAST_RUN.labels(name, timer.name).set_to_current_time()
            targets.append((f"{name}-{timer.name}", lambda s, t=timer: self._every(name, t, s)))
        for thread_name, target in targets:
            thread = threading.Thread(target=target, args=(stop,), name=thread_name, daemon=True)
            thread.start()
            self.threads.append(thread)
        return self.threads

    @staticmethod
    def _every(service: str, timer: Timer, stop: threading.Event) -> None:
        while not stop.wait(timer.interval):
            try:
                timer.tick()
            except Exception:
                log.exception("timer %s failed; it runs again in %ss", timer.name, timer.interval)
            else:  # TandemTimerStalled compares the time since with the interval
                metrics.TIMER_LAST_RUN.labels(service, timer.name).set_to_current_time()

    def run_forever(self) -> None:
        """The worker process: run until SIGTERM or SIGINT, then stop cleanly."""
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        port = os.environ.get("METRICS_PORT")
        if port:  # where workers run apart from their API (Kubernetes), they serve their own /metrics
            metrics.serve(int(port))
        self.start(stop)
        log.info("worker %s running", self.settings.service)
        stop.wait()
        for thread in self.threads:
            thread.join(timeout=10)
