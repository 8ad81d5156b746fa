"""One backoff for the platform: doubled from the first wait up to the most, jitter below the ceiling."""

from services.shared.retry import backoff


def test_the_wait_doubles_after_each_failure_up_to_the_most():
    assert [backoff(n, 0.5, 10.0) for n in range(1, 8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_a_job_that_fails_again_comes_back_after_two_four_eight_minutes_and_at_most_an_hour():
    assert [backoff(n, 120, 3600) / 60 for n in (1, 2, 3, 10)] == [2, 4, 8, 60]


def test_jitter_stays_below_the_ceiling_so_replicas_do_not_retry_in_step():
    waits = {round(backoff(4, 1.0, 60.0, jitter=True), 6) for _ in range(50)}
    assert all(0 <= w <= 8.0 for w in waits) and len(waits) > 1
