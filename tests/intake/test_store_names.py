"""Intake's store hands out its tables by their names, also where a query module has the same
name: ``store.cohorts`` is the table, not store/cohorts.py."""

from services.intake import store


def test_every_table_is_the_store_attribute_of_its_name():
    exported = {name: table for name, table in store.metadata.tables.items() if name in store.__all__}
    assert {"applications", "cohorts", "nominations", "programmes", "staff", "tenants"} <= set(exported)
    for name, table in exported.items():
        assert getattr(store, name) is table, f"store.{name} is {getattr(store, name)!r}, not the table"
