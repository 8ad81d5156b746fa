"""Every service hands a person's data back through the same ``/export`` blueprint: a coordinator
reads their own tenant's people only, an operator names the tenant (told, as a field of the query,
when they forget), and the read is on the audit log in the person's tenant."""

import importlib

import pytest
import sqlalchemy as sa

from services.shared.config import settings_for
from services.shared.db import create_engine
from services.shared.tenancy import issue_token
from tests.skeleton import expect, over_test_client

KEY = "export-contract"
SERVICES = ("intake", "matching", "scheduling", "notify")
NOBODY = "nobody@example.se"


@pytest.fixture(params=SERVICES)
def service(request, tmp_path):
    name = request.param
    settings = settings_for(name, database_url=f"sqlite:///{tmp_path}/{name}.db", amqp_url="memory://",
                            signing_key=KEY)
    engine = create_engine(settings.database_url)
    store = importlib.import_module(f"services.{name}.store")
    store.metadata.create_all(engine)
    app = importlib.import_module(f"services.{name}.app").create_app(settings, engine)
    return name, over_test_client(app.test_client()), engine, store.audit_log


def _coordinator(tenant: str) -> str:
    return issue_token(KEY, tenant=tenant, role="coordinator", sub=f"coordinator@{tenant}.se")


OPERATOR = issue_token(KEY, tenant="*", role="operator", sub="operator")


def test_an_operator_who_names_no_tenant_is_told_the_querys_tenant_is_missing(service):
    name, send, _, _ = service
    refused = expect(send("GET", f"/{name}/export/person?email={NOBODY}", None, OPERATOR), 422)
    assert refused["message"] == "An operator names the tenant."
    assert refused["errors"] == {"query": {"tenant": ["Missing data for required field."]}}


def test_a_coordinator_naming_another_tenant_finds_no_such_tenant(service):
    name, send, _, _ = service
    refused = expect(send("GET", f"/{name}/export/person?email={NOBODY}&tenant=unionen", None,
                          _coordinator("saco")), 404)
    assert refused["message"] == "No such tenant."
    own = expect(send("GET", f"/{name}/export/person?email={NOBODY}&tenant=saco", None, _coordinator("saco")), 200)
    assert own["service"] == name and own["tenant"] == "saco"


def test_the_operators_read_is_on_the_audit_log_in_the_persons_tenant(service):
    name, send, engine, audit_log = service
    document = expect(send("GET", f"/{name}/export/person?email={NOBODY}&tenant=saco", None, OPERATOR), 200)
    assert document["tenant"] == "saco" and all(rows == [] for rows in document["sections"].values())
    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log.c.tenant, audit_log.c.role, audit_log.c.object_type)).all()
    assert [tuple(row) for row in rows] == [("saco", "operator", "export")]
