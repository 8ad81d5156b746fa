"""One function per thing a coordinator or an event asks of matching: each loads (and locks) what
it decides on from ``store``, asks the rule in ``domain``, writes, and emits through the outbox.
The API's views and the event handlers both call these; nothing else composes store and domain.

- ``projection``: intake's events (cohorts, applications, decisions, withdrawals, erasure);
- ``runs``: queue a run, and the worker's claim, lease, solve and record;
- ``review``: approve, reject, pin, forbid, lift and end pairs;
- ``reading``: what the coordinator looks at."""
