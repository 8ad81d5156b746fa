"""How long to wait before trying again: one exponential backoff for the whole platform.

The waits are tenacity's strategies, used where a loop keeps its own state (a consumer that
reconnects, a handler retried in place, a job due again later) rather than around one call.
"""

from __future__ import annotations

from tenacity import RetryCallState, wait_exponential, wait_random_exponential


def backoff(failures: int, first: float, most: float, jitter: bool = False) -> float:
    """Seconds to wait after the ``failures``-th failure in a row (1, 2, ...): ``first`` doubled
    each time up to ``most``; with ``jitter``, a random share of it (spreads replicas that fail
    together)."""
    wait = (wait_random_exponential if jitter else wait_exponential)(multiplier=first, max=most)
    state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})
    state.attempt_number = max(1, failures)
    return float(wait(state))
