"""The image, without a Docker engine: the Dockerfile builds on Debian bookworm, runs non-root and is
complete, and its entry point and health check do what the containers rely on (run here against the
venv). The built image itself is run by test_image_built.py."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import DEPLOY, ROOT

DOCKERFILE = (DEPLOY / "docker" / "Dockerfile").read_text()
ENTRYPOINT = DEPLOY / "docker" / "entrypoint.sh"
INSTRUCTIONS = [
    line.strip()
    for line in re.sub(r"\\\n", " ", DOCKERFILE).splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]


def instructions(name: str) -> list[str]:
    return [i.split(None, 1)[1] for i in INSTRUCTIONS if i.split(None, 1)[0].upper() == name]


def healthcheck_command() -> list[str]:
    (healthcheck,) = instructions("HEALTHCHECK")
    return json.loads(healthcheck.split("CMD", 1)[1].strip())


def test_the_base_is_debian_bookworm_with_debian_s_python():
    # bookworm, as CI's debootstrap base: what CI builds is what ships; a digest where one is given
    (arg,) = [a for a in instructions("ARG") if a.startswith("BASE=")]
    image = arg.split("=", 1)[1]
    assert re.fullmatch(r"(docker\.io/library/)?debian:bookworm(-\d{8})?-slim(@sha256:[0-9a-f]{64})?", image), image
    froms = instructions("FROM")
    assert froms == ["${BASE} AS debian", "debian AS build", "debian AS runtime"]
    assert "python3 " in DOCKERFILE.split("AS debian", 1)[1].split("FROM", 1)[0], "Python from Debian"
    assert "--format docker" in DOCKERFILE, "buildah and podman drop HEALTHCHECK from an OCI image: say so"


def test_the_runtime_stage_is_non_root_with_an_entry_point_and_a_health_check():
    runtime = DOCKERFILE.split("AS runtime", 1)[1]
    users = re.findall(r"^USER (\S+)$", runtime, re.M)
    assert users and users[-1].split(":")[0] not in ("0", "root"), "the image runs as a numeric non-root user"
    assert users[-1].split(":")[0].isdigit(), "numeric, so Kubernetes can check runAsNonRoot"
    assert instructions("ENTRYPOINT") == ['["tandem-entrypoint"]']
    assert healthcheck_command()[:2] == ["python", "-c"]
    assert "TANDEM_DATA_DIR=/tmp/tandem" in runtime, "data under /tmp: the root filesystem is read-only"


def test_everything_copied_is_in_the_build_context():
    patterns = [p for p in (ROOT / ".dockerignore").read_text().splitlines() if p and not p.startswith("#")]

    def ignored(path: str) -> bool:
        result = False
        for pattern in patterns:
            negate = pattern.startswith("!")
            pattern = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/"):
                result = not negate
        return result

    for copy in instructions("COPY"):
        if "--from=" in copy:
            continue
        sources = [s for s in copy.split()[:-1] if not s.startswith("--")]
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
            assert not ignored(source), f"COPY {source}: excluded by .dockerignore"
    assert ignored("tests") and ignored("data") and ignored(".venv") and ignored("docs")


# --- the entry point, run against the venv --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def container_env(tmp_path):
    """The environment a container of the image has, pointing at this checkout's venv."""
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL") and k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        TANDEM_DATA_DIR=str(tmp_path / "data"),
        TANDEM_HEALTH_FILE=str(tmp_path / "health-url"),
        TANDEM_SIGNING_KEY="image-test",
        AMQP_URL="memory://",
        WEB_CONCURRENCY="1",
    )
    return env


def entrypoint(*args: str, env: dict, **kwargs):
    return subprocess.Popen([str(ENTRYPOINT), *args], env=env, cwd=env["TANDEM_DATA_DIR"].rsplit("/", 1)[0],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def healthy(env: dict) -> bool:
    return subprocess.run(healthcheck_command(), env=env, capture_output=True, timeout=10).returncode == 0


def wait_until(check, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.stdout.read() if proc.stdout else ""


def test_unknown_roles_and_services_are_refused(container_env):
    for args in (["bogus"], ["api", "bogus"], ["worker", "bogus"]):
        proc = entrypoint(*args, env=container_env)
        assert proc.wait(timeout=20) == 64, stop(proc)
        stop(proc)


def test_migrate_then_api_and_worker_answer_their_health_checks(container_env, tmp_path):
    migrate = entrypoint("migrate", env=container_env)
    assert migrate.wait(timeout=60) == 0, stop(migrate)
    assert "notify: migrated" in stop(migrate)
    assert healthy(container_env), "migrate: nothing to check, always healthy"

    port, metrics_port = free_port(), free_port()
    api_env = dict(container_env, PORT=str(port), PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "multiproc"),
                   TANDEM_HEALTH_FILE=str(tmp_path / "api-health"))
    worker_env = dict(container_env, METRICS_PORT=str(metrics_port), TANDEM_HEALTH_FILE=str(tmp_path / "worker-health"))
    api = entrypoint("api", "intake", env=api_env)
    worker = entrypoint("worker", "matching", env=worker_env)
    try:
        assert wait_until(lambda: healthy(api_env)), "the API's health check never passed"
        assert (tmp_path / "api-health").read_text().strip() == f"http://127.0.0.1:{port}/healthz"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            assert b"tandem_http_requests_total" in answer.read()
        assert wait_until(lambda: healthy(worker_env)), "the worker's health check never passed"
        assert (tmp_path / "worker-health").read_text().strip() == f"http://127.0.0.1:{metrics_port}/metrics"
    finally:
        api_log, worker_log = stop(api), stop(worker)
    assert api.returncode in (0, -signal.SIGTERM), api_log
    assert worker.returncode in (0, -signal.SIGTERM), worker_log
    # once the API is gone, its health check fails
    assert not healthy(api_env)
