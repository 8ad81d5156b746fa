"""The published contract documents in docs/ are the ones the code generates."""

import json
from pathlib import Path

import pytest

from services.cli import contract_documents
from services.shared.contract import EVENT_TYPES

DOCS = Path(__file__).resolve().parents[2] / "docs"
GENERATED = contract_documents()


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_the_committed_document_is_fresh(name):
    committed = DOCS / name
    assert committed.exists(), f"docs/{name} is missing: run `make contracts`"
    assert committed.read_text() == GENERATED[name], f"docs/{name} is stale: run `make contracts` and commit"


def test_the_asyncapi_document_names_every_event_with_its_producer_and_consumers():
    doc = json.loads(GENERATED["asyncapi.json"])
    assert doc["asyncapi"].startswith("3.")
    assert set(doc["channels"]) == set(EVENT_TYPES)
    ops = doc["operations"]
    assert "intake.publishes.application.submitted.v1" in ops
    for consumer in ("matching", "scheduling", "notify"):
        assert f"{consumer}.consumes.application.submitted.v1" in ops
    data = doc["components"]["schemas"]["ApplicationSubmittedV1Data"]
    assert {"application_id", "email", "locale"} <= set(data["required"])


def test_each_service_documents_its_api_under_its_prefix():
    for service in ("intake", "matching", "scheduling", "notify"):
        spec = json.loads(GENERATED[f"openapi/{service}.json"])
        assert spec["servers"] == [{"url": f"/{service}"}]
        assert spec["paths"], f"{service} documents no paths"
