"""Where a tenant's own template runs: a small pool of subprocesses, each task bounded in wall-clock
time, CPU time (RLIMIT_CPU) and memory (RLIMIT_AS). A task that runs over is killed with its
process and the process replaced, so one tenant's template can hold up neither the consumer,
nor the API, nor another tenant's mail for longer than its limit.

The platform's own templates are trusted and render in the calling process, as fast as before.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from pebble import ProcessExpired, ProcessPool
from prometheus_client import Counter

log = logging.getLogger(__name__)

TEMPLATE_FALLBACKS = Counter(
    "tandem_notify_template_fallbacks_total",
    "Messages sent with the platform's template because the tenant's own failed or ran over its limits.",
    ["service", "message", "reason"],
)


@dataclass(frozen=True)
class Limits:
    """What one rendering of a tenant's template may use."""

    seconds: float = 2.0  # wall clock, and (rounded up) CPU time
    memory_mb: int = 256  # beyond what the rendering process already holds
    workers: int = 2


class TemplateOverLimit(Exception):
    """A tenant's template used more time or memory than it may; ``reason`` says which."""

    def __init__(self, reason: str, kind: str):
        super().__init__(reason, kind)  # both in args: it pickles back from the pool's process
        self.reason = reason
        self.kind = kind  # time, cpu or memory: the metric's label

    def __str__(self) -> str:
        return self.reason


_pool: ProcessPool | None = None
_pool_workers = 0
_lock = threading.Lock()


def _context():
    # forkserver: the pool's processes are forked from a clean server that has only the
    # renderer imported, not from a process with the API's or consumer's threads and sockets
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["services.notify.domain.rendering"])
    return context


def _get_pool(workers: int) -> ProcessPool:
    global _pool, _pool_workers
    with _lock:
        if _pool is None or _pool_workers != workers or not _pool.active:
            if _pool is not None:
                _pool.stop()
            _pool = ProcessPool(max_workers=max(1, workers), context=_context())
            _pool_workers = workers
        return _pool


def shutdown() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.stop()
            _pool.join(timeout=5)
            _pool = None


def _virtual_size() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limited(function: Callable, args: tuple, seconds: float, memory_mb: int) -> Any:
    """In a pool process: run ``function`` under this task's CPU and memory limits (the soft
    limits, counted from what the process has used and holds already; lifted again after)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_soft, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    as_soft, as_hard = resource.getrlimit(resource.RLIMIT_AS)
    cpu = math.ceil(usage.ru_utime + usage.ru_stime + seconds) + 1
    memory = _virtual_size() + memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_CPU, (cpu if cpu_hard == resource.RLIM_INFINITY else min(cpu, cpu_hard), cpu_hard))
    resource.setrlimit(resource.RLIMIT_AS, (memory if as_hard == resource.RLIM_INFINITY else min(memory, as_hard), as_hard))
    try:
        return function(*args)
    except MemoryError:
        raise TemplateOverLimit(f"needed more than {memory_mb} MB of memory", "memory") from None
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (as_soft, as_hard))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_soft, cpu_hard))


def run(function: Callable, args: tuple, limits: Limits) -> Any:
    """``function(*args)`` in a pool process within ``limits``; its exceptions are raised here,
    and running over raises ``TemplateOverLimit``. ``function`` and its arguments and result
    must pickle."""
    future = _get_pool(limits.workers).schedule(_limited, args=(function, args, limits.seconds, limits.memory_mb),
                                                timeout=limits.seconds)
    try:
        return future.result()
    except FutureTimeout:
        raise TemplateOverLimit(f"took longer than {limits.seconds:g} s to render", "time") from None
    except ProcessExpired as exc:  # killed by RLIMIT_CPU (SIGXCPU) or the kernel for memory
        raise TemplateOverLimit(f"used more than its CPU time or memory (exit {exc.exitcode})", "cpu") from None
    except MemoryError:
        raise TemplateOverLimit(f"needed more than {limits.memory_mb} MB of memory", "memory") from None
