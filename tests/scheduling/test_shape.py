"""Scheduling already has the shape issue 14 asks of every service: pure rules in domain/, every
query in store/, and API views that run no SQL. The platform-wide checks stay expected failures
until the last service gets there; these keep scheduling from sliding back meanwhile."""

from __future__ import annotations

from tests.unit.test_architecture import (
    api_call_sites_running_sql,
    domain_modules_importing_infrastructure,
    files_over,
)


def _scheduling(found: list[str]) -> list[str]:
    return [entry for entry in found if entry.startswith("services/scheduling/")]


def test_no_scheduling_domain_module_imports_a_database_a_framework_or_the_store():
    assert _scheduling(domain_modules_importing_infrastructure()) == []


def test_no_scheduling_api_module_runs_sql():
    assert _scheduling(api_call_sites_running_sql()) == []


def test_no_scheduling_file_is_over_the_limit():
    assert _scheduling(files_over()) == []
