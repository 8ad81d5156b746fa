"""`tandem --help` answers at once: the command line imports Flask, SQLAlchemy, the broker's
clients and matching's numpy and scipy only in the commands that use them. Checked by what a
fresh interpreter has imported, not by a clock (a loaded CI machine would make timing flaky)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("scipy", "numpy", "flask", "flask_smorest", "marshmallow", "sqlalchemy", "alembic",
         "kombu", "pika", "psycopg", "gunicorn")

# Runs the entry point as the `tandem` script does (argv[1] is the packages to look for, the rest
# the command line), then reports on stderr which of those packages it has imported.
PROBE = """
import json, sys
from services.cli import main
heavy = set(sys.argv[1].split(","))
try:
    main(args=sys.argv[2:], prog_name="tandem")
except SystemExit as end:
    code = end.code
else:
    code = 0
loaded = sorted({name.split(".")[0] for name in sys.modules} & heavy)
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def imported_by(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, ",".join(HEAVY), *args],
                          capture_output=True, text=True, timeout=120, check=False)
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [("--help",), ("migrate", "--help"), ("api", "--help"),
                                  ("worker", "--help"), ("tenant", "--help")])
def test_the_help_of_the_command_line_imports_nothing_heavy(args):
    assert imported_by(*args) == {"code": 0, "loaded": []}


@pytest.mark.parametrize("args", [("token", "--help"), ("dlq", "--help"), ("dlq", "list", "--help")])
def test_no_command_s_help_imports_numpy_or_scipy(args):
    result = imported_by(*args)
    assert result["code"] == 0
    assert not {"numpy", "scipy"} & set(result["loaded"])


def test_the_dead_letter_commands_are_listed_without_loading_them():
    done = subprocess.run([sys.executable, "-m", "services.cli", "--help"],
                          capture_output=True, text=True, timeout=120, check=True)
    assert "dlq" in done.stdout and "Dead-letter queues" in done.stdout


def test_a_token_still_checks_its_role(monkeypatch):
    from click.testing import CliRunner

    from services.cli import main

    monkeypatch.setenv("TANDEM_SIGNING_KEY", "startup-test")
    refused = CliRunner().invoke(main, ["token", "--role", "nobody"])
    assert refused.exit_code == 2 and "operator" in refused.output
    issued = CliRunner().invoke(main, ["token", "--role", "operator"])
    assert issued.exit_code == 0 and issued.output.strip()


def test_matching_loads_scipy_only_when_it_solves():
    done = subprocess.run(
        [sys.executable, "-c",
         "import sys, services.matching.domain.solver, services.matching.domain.scoring,"
         " services.matching.domain.explain; print('scipy' in sys.modules)"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    assert done.stdout.strip() == "False"
