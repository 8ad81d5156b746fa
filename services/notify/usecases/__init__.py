"""One function per thing a coordinator, a person or an event asks of notify: each loads (and
locks) what it decides on from ``store``, asks the rule in ``domain``, writes, and emits through
the outbox. The API's views and the event handlers both call these; nothing else composes store
and domain.

- ``access``: the tenant a request works in;
- ``log``: the delivery log, and a failed delivery sent again;
- ``announcements``: a coordinator's message to a cohort, sent or previewed;
- ``preferences``: a person's choices, and the unsubscribe link;
- ``templates``: a tenant's own wording of a message;
- ``webhooks``: a tenant's endpoints and signing secret;
- ``queueing``: what an event asks notify to send, in the delivery log;
- ``sending``: the dispatcher's claims, and the outcomes it records;
- ``erasure``: a person erased on intake's request;
- ``export``: a person's own data, handed back to them."""
