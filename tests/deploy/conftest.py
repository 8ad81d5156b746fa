"""Helpers of the deployment checks: the tools they run (kubectl, promtool) and the rendered
Kubernetes overlays.

A missing tool skips its tests on a workstation and fails them in CI (``CI`` set, or
TANDEM_REQUIRE_SERVICES=1), the same rule tests/conftest.py applies to RabbitMQ and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAYS = ("dev", "prod")
# kustomize v5 (kubectl 1.27 or newer): components, replacements and `labels` are needed.
KUSTOMIZE_MAJOR = 5

REQUIRE_TOOLS = (
    os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
    or os.environ.get("TANDEM_REQUIRE_SERVICES") == "1"
)


def missing(message: str):
    if REQUIRE_TOOLS:
        pytest.fail(f"{message} (required in CI)")
    pytest.skip(message)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        missing(f"{name} is not installed")
    return path


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=ROOT, **kwargs)


@pytest.fixture(scope="session")
def kubectl() -> str:
    path = tool("kubectl")
    answer = run(path, "version", "--client", "-o", "json")
    version = json.loads(answer.stdout or "{}").get("kustomizeVersion", "") if answer.returncode == 0 else ""
    major = re.match(r"v(\d+)", version)
    if not major or int(major.group(1)) < KUSTOMIZE_MAJOR:
        missing(f"kubectl's kustomize is {version or 'too old'}; the overlays need kustomize v{KUSTOMIZE_MAJOR} (kubectl 1.27+)")
    return path


@pytest.fixture(scope="session")
def promtool() -> str:
    return tool("promtool")


@pytest.fixture(scope="session")
def rendered(kubectl) -> dict[str, list[dict]]:
    """Each overlay rendered by `kubectl kustomize`: overlay -> its objects."""
    result = {}
    for overlay in OVERLAYS:
        answer = run(kubectl, "kustomize", f"deploy/k8s/overlays/{overlay}")
        assert answer.returncode == 0, f"kubectl kustomize deploy/k8s/overlays/{overlay}:\n{answer.stderr}"
        assert "Warning" not in answer.stderr, answer.stderr
        result[overlay] = [doc for doc in yaml.safe_load_all(answer.stdout) if doc]
    return result
