"""Intake's use cases: one function for each thing a person (through the API) or an event
(through handlers.py) asks of the service. Each loads and locks what it needs from the store,
asks the domain's rules, writes, and emits its events through the outbox. This is the one layer
that composes the store and the domain; the API's views parse, call one of them, and answer."""
