"""The built image, run: `tandem --help`, `tandem migrate` against the host's PostgreSQL, an API
answering /readyz with the host's RabbitMQ and PostgreSQL, as a non-root user on a read-only root
filesystem, its health check passing, within the size budget.

Run by .ci/run after `make image`, with TANDEM_IMAGE naming the image (`make test` skips it):

    TANDEM_IMAGE=localhost/tandem:ci .venv/bin/pytest tests/deploy/test_image_built.py

Podman runs the containers from buildah's vfs storage, as root. Two things make it work on a
sandboxed CI machine: explicit, modest ulimits (such a machine refuses podman's default of raising
them) and runc where it is installed (crun refuses a host with cgroups v1 and v2 mixed).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import pytest
import sqlalchemy as sa

from .conftest import missing

IMAGE = os.environ.get("TANDEM_IMAGE", "")
SIZE_BUDGET = 450_000_000  # bytes, as podman reports an image's size (uncompressed layers)
USER = "10001:10001"

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not IMAGE, reason="run by .ci/run after `make image` (TANDEM_IMAGE names the image)"),
]


@pytest.fixture(scope="module")
def podman() -> list[str]:
    path = shutil.which("podman")
    if path is None:
        missing("podman is not installed")
    command = [path, "--storage-driver", "vfs"]
    if shutil.which("runc"):
        command += ["--runtime", "runc"]
    return command


def run(podman: list[str], *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([*podman, *args], capture_output=True, text=True, timeout=timeout, check=False)
    if check:
        assert done.returncode == 0, f"podman {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def container(*args: str) -> list[str]:
    """`podman run` on the host's network with explicit ulimits, then ``args``."""
    return ["run", "--network", "host", "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096", *args]


@pytest.fixture(scope="module")
def inspected(podman) -> dict:
    (image,) = json.loads(run(podman, "image", "inspect", IMAGE).stdout)
    return image


@pytest.fixture
def database_url(postgres):
    """One scratch database per service, dropped afterwards: DATABASE_URL with {service}."""
    prefix = f"tandem_image_{uuid.uuid4().hex[:8]}"
    yield postgres.format(db=f"{prefix}_{{service}}")
    admin = sa.create_engine(postgres.format(db="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for (name,) in conn.exec_driver_sql("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                            (f"{prefix}_%",)):
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def test_the_image_is_within_its_size_budget(inspected):
    size = inspected["Size"]
    print(f"\n{IMAGE}: {size / 1e6:.0f} MB")
    assert size <= SIZE_BUDGET, f"{size / 1e6:.0f} MB, over the budget of {SIZE_BUDGET / 1e6:.0f} MB"


def test_the_image_runs_as_a_numeric_non_root_user_with_its_health_check(inspected):
    config = inspected["Config"]
    assert config["User"] == USER
    assert config["Entrypoint"] == ["tandem-entrypoint"]
    # buildah keeps HEALTHCHECK only in the docker format (`--format docker`); podman shows it beside Config
    healthcheck = inspected.get("Healthcheck") or config.get("Healthcheck") or {}
    assert healthcheck.get("Test", [None])[:2] == ["CMD", "python"], "the health check was dropped"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ready(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:
            return json.loads(answer.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def test_migrate_then_an_api_answers_readyz_read_only_as_non_root(podman, database_url, amqp_url):
    env = ["--env", f"DATABASE_URL={database_url}", "--env", f"AMQP_URL={amqp_url}",
           "--env", "TANDEM_SIGNING_KEY=image-smoke-test"]
    migrated = run(podman, *container("--rm", "--read-only", *env, IMAGE, "migrate"), timeout=600)
    assert [line for line in migrated.stdout.splitlines() if line.endswith(": migrated")] == [
        "intake: migrated", "matching: migrated", "scheduling: migrated", "notify: migrated"]

    port = free_port()
    name = f"tandem-smoke-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    run(podman, *container("--detach", "--name", name, "--read-only", *env, "--env", f"PORT={port}",
                           "--env", "WEB_CONCURRENCY=1", IMAGE, "api", "intake"))
    try:
        deadline = time.monotonic() + 180
        answer = None
        while time.monotonic() < deadline and answer is None:
            answer = ready(f"http://127.0.0.1:{port}/readyz")
            state = run(podman, "inspect", "--format", "{{.State.Running}}", name).stdout.strip()
            assert state == "true" or answer, run(podman, "logs", name, check=False).stderr[-3000:]
            time.sleep(0.5)
        assert answer == {"status": "ready", "service": "intake"}, run(podman, "logs", name, check=False).stderr[-3000:]
        print(f"\nthe API answered /readyz {time.monotonic() - started:.1f} s after `podman run`")

        # the health check the image declares passes (the runtime runs it, here on demand)
        assert run(podman, "healthcheck", "run", name, check=False).returncode == 0

        # who runs, and what it may write: nothing but /tmp
        probe = ("import os, tempfile; print(os.getuid(), os.getgid());"
                 " print(os.access('/opt/tandem', os.W_OK), os.access('/', os.W_OK));"
                 " tempfile.NamedTemporaryFile(dir='/tmp').close()")
        assert run(podman, "exec", name, "python", "-c", probe).stdout.split() == [
            "10001", "10001", "False", "False"]
        refused = run(podman, "exec", "--user", "0", name, "touch", "/opt/tandem/x", check=False)
        assert refused.returncode != 0 and "Read-only file system" in refused.stderr

        # the command line answers without importing the solver's libraries
        clock = time.monotonic()
        helped = run(podman, "exec", name, "tandem", "--help")
        print(f"`tandem --help` in the container: {time.monotonic() - clock:.2f} s (podman exec included)")
        assert "migrate" in helped.stdout and "dlq" in helped.stdout

        # the stripped numpy and SciPy still solve: a small matching, the solver's own SciPy call
        solve = ("import numpy as np; from scipy.sparse import csr_array;"
                 " from scipy.sparse.csgraph import min_weight_full_bipartite_matching as m;"
                 " g = csr_array(np.array([[1.0, 3.0], [2.0, 1.0]]));"
                 " print(m(g, maximize=True)[1].tolist())")
        assert run(podman, "exec", name, "python", "-c", solve).stdout.strip() == "[1, 0]"
    finally:
        run(podman, "rm", "--force", "--time", "5", name, check=False)
