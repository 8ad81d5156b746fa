"""Fixtures shared by the suite: real RabbitMQ and PostgreSQL for the integration tests.

Without the services the tests that need them skip — unless TANDEM_REQUIRE_SERVICES=1 (CI), where
an unreachable service is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid

import pytest
import sqlalchemy as sa

from tests.chromium import browser, page  # noqa: F401  (Debian's Chromium, one for the whole run)

REQUIRE = os.environ.get("TANDEM_REQUIRE_SERVICES") == "1"
AMQP_HOST = os.environ.get("TANDEM_TEST_AMQP_HOST", "127.0.0.1")
PG_URL = os.environ.get("TANDEM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/{db}")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def need(service: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    message = f"{service} is not reachable on {host}:{port}"
    if REQUIRE:
        pytest.fail(f"{message} and TANDEM_REQUIRE_SERVICES=1")
    pytest.skip(message)


@pytest.fixture(scope="session")
def rabbitmq() -> str:
    need("RabbitMQ", AMQP_HOST, 5672)
    return AMQP_HOST


@pytest.fixture(scope="session")
def postgres() -> str:
    need("PostgreSQL", "127.0.0.1", 5432)
    return PG_URL


def rabbitmqctl(*args: str) -> subprocess.CompletedProcess:
    tool = shutil.which("rabbitmqctl")
    if tool is None:
        if REQUIRE:
            pytest.fail("rabbitmqctl is needed to manage test vhosts")
        pytest.skip("rabbitmqctl is not installed")
    return subprocess.run([tool, *args], capture_output=True, text=True, timeout=60, check=True)


@pytest.fixture
def amqp_url(rabbitmq) -> str:
    """A scratch vhost of the real broker, removed after the test."""
    vhost = f"tandem-test-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    yield f"amqp://guest:guest@{rabbitmq}:5672/{vhost}"
    rabbitmqctl("delete_vhost", vhost)


@pytest.fixture
def pg_url_factory(postgres):
    """Make scratch PostgreSQL databases (dropped after the test): factory(name) -> URL."""
    made = []

    def make(name: str = "db") -> str:
        db = f"tandem_test_{name}_{uuid.uuid4().hex[:8]}"
        made.append(db)
        return postgres.format(db=db)

    yield make
    admin = sa.create_engine(postgres.format(db="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for db in made:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    admin.dispose()
