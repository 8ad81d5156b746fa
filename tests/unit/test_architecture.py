"""The shape of the code, measured: a walk over the imports of every module in services/.

Every rule holds: the shared floor imports no service (not even by a name in a string), no
service imports another, there is no import cycle among modules, no ``domain/`` module imports a
database, a framework, a broker or a store, no API module runs SQL or refuses with ``abort()``,
and no file in ``services/`` is over 350 lines. A rule added before it holds is marked
xfail(strict=True) with today's count in its reason, so that the mark must come off the day its
last offender goes.

An import counts wherever it is written — at the top, in a function (a lazy import is a
dependency all the same) — except under ``if TYPE_CHECKING:``, which never runs. Only the
shared floor's own rules look at names handed to ``importlib.import_module``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES_DIR = ROOT / "services"
# the parts of the platform; services/cli.py, embedded.py and ops/ compose them and may import any
PARTS = ("intake", "matching", "scheduling", "notify", "web")
# what a domain module may not import: a database, a web framework, a broker's client, or the
# service's store (the shared floor's database and messaging modules count as store)
NOT_IN_DOMAIN = ("sqlalchemy", "flask", "flask_babel", "flask_limiter", "flask_smorest", "flask_wtf", "kombu",
                 "pika", "services.shared.db", "services.shared.outbox", "services.shared.inbox", "services.shared.bus")
# method calls that run SQL on a connection
RUNS_SQL = frozenset({"execute", "scalar", "scalars", "scalar_one", "exec_driver_sql"})
MAX_LINES = 350


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Module name -> file, for every Python file under services/ but the migrations."""
    return {module_name(path): path for path in sorted(SERVICES_DIR.rglob("*.py"))
            if "migrations" not in path.relative_to(SERVICES_DIR).parts[:-1] or path.name == "migrations_env.py"}


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(), filename=str(modules()[name]))


def _type_checking_only(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk_running(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``node`` but those inside an ``if TYPE_CHECKING:`` block."""
    for child in ast.iter_child_nodes(node):
        if _type_checking_only(child):
            for orelse in child.orelse:
                yield orelse
                yield from _walk_running(orelse)
            continue
        yield child
        yield from _walk_running(child)


def _package_of(name: str) -> str:
    return name if modules()[name].name == "__init__.py" else name.rpartition(".")[0]


def imports(name: str) -> Iterator[tuple[str, int]]:
    """(imported module, line) for each import the module runs: ``from x import y`` names the
    module x.y when it is one, else x; a relative import is resolved against the package."""
    for node in _walk_running(tree(name)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(name).split(".")
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                inner = f"{base}.{alias.name}"
                yield (inner if inner in modules() else base), node.lineno


def _named_imports(name: str) -> Iterator[tuple[str, int]]:
    """Modules named as text to ``import_module`` / ``__import__`` (an f-string by its fixed start)."""
    for node in _walk_running(tree(name)):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if called not in ("import_module", "__import__"):
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            yield first.value, node.lineno
        elif isinstance(first, ast.JoinedStr) and first.values and isinstance(first.values[0], ast.Constant):
            yield str(first.values[0].value), node.lineno


def part_of(module: str) -> str | None:
    """The part of the platform a module belongs to (intake, ..., web, shared), or None."""
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "services" and parts[1] in (*PARTS, "shared"):
        return parts[1]
    return None


def _is(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def shared_importing_a_service() -> list[str]:
    found = []
    for name in modules():
        if part_of(name) != "shared":
            continue
        for imported, line in [*imports(name), *_named_imports(name)]:
            if imported.startswith("services.") and not _is(imported, "services.shared"):
                found.append(f"{modules()[name].relative_to(ROOT)}:{line} imports {imported}")
    return found


def service_importing_another() -> list[str]:
    found = []
    for name in modules():
        own = part_of(name)
        if own not in PARTS:
            continue
        for imported, line in imports(name):
            other = part_of(imported)
            if other in PARTS and other != own:
                found.append(f"{modules()[name].relative_to(ROOT)}:{line} imports {imported}")
    return found


def graph() -> dict[str, set[str]]:
    """Module -> the modules of services/ it imports."""
    return {name: {imported for imported, _ in imports(name) if imported in modules() and imported != name}
            for name in modules()}


def cycles() -> list[list[str]]:
    """The strongly connected sets of more than one module (Tarjan), each sorted."""
    edges, index, low, stack, on_stack, found = graph(), {}, {}, [], set(), []

    def visit(start: str) -> None:
        # iterative, so a deep chain of imports cannot hit the recursion limit
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                member, members = None, []
                while member != node:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                if len(members) > 1:
                    found.append(sorted(members))

    for name in sorted(edges):
        if name not in index:
            visit(name)
    return sorted(found)


def domain_modules_importing_infrastructure() -> list[str]:
    """Each domain module that imports SQLAlchemy, Flask, kombu, pika or a store, with what."""
    found = []
    for name in modules():
        parts = name.split(".")
        if part_of(name) not in PARTS or len(parts) < 3 or parts[2] != "domain":
            continue
        store = f"services.{parts[1]}.store"
        bad = sorted({imported for imported, _ in imports(name)
                      if any(_is(imported, p) for p in (*NOT_IN_DOMAIN, store))})
        if bad:
            found.append(f"{modules()[name].relative_to(ROOT)}: {', '.join(bad)}")
    return found


def _runs_sql(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RUNS_SQL


def api_call_sites_running_sql() -> list[str]:
    """Each place an API module runs SQL — a call of ``execute``, ``scalar``, ``scalars``... (one
    for ``conn.execute(q).scalar_one()``) — and each import of SQLAlchemy there."""
    found = []
    for name in modules():
        parts = name.split(".")
        if part_of(name) not in PARTS or len(parts) < 3 or parts[2] != "api":
            continue
        where = modules()[name].relative_to(ROOT)
        for node in _walk_running(tree(name)):
            if _runs_sql(node) and not _runs_sql(node.func.value):
                found.append(f"{where}:{node.lineno} .{node.func.attr}()")
        found += [f"{where}:{line} imports {imported}" for imported, line in imports(name) if _is(imported, "sqlalchemy")]
    return found


def api_call_sites_aborting() -> list[str]:
    """Each call of ``abort`` in a service's API module: a view says no by raising ``Refused``
    (services/shared/errors.py) from the rule or use case that refuses. The web front is exempt:
    it renders pages, and a page's 404 is its own."""
    found = []
    for name in modules():
        parts = name.split(".")
        if part_of(name) not in PARTS or part_of(name) == "web" or len(parts) < 3 or parts[2] != "api":
            continue
        for node in _walk_running(tree(name)):
            if isinstance(node, ast.Call) and (getattr(node.func, "id", None) == "abort"
                                               or getattr(node.func, "attr", None) == "abort"):
                found.append(f"{modules()[name].relative_to(ROOT)}:{node.lineno} abort()")
    return found


def files_over(limit: int = MAX_LINES) -> list[str]:
    """Each Python file in services/ longer than ``limit`` lines (not the migrations)."""
    found = []
    for path in modules().values():
        count = len(path.read_text().splitlines())
        if count > limit:
            found.append(f"{path.relative_to(ROOT)}: {count} lines")
    return found


def by_part(found: list[str]) -> dict[str, int]:
    """How many of ``found`` (paths under services/) fall in each part of the platform."""
    counts: dict[str, int] = {}
    for entry in found:
        part = entry.split("/")[1] if entry.startswith("services/") else "?"
        part = part if part in (*PARTS, "shared") else "services"
        counts[part] = counts.get(part, 0) + 1
    return dict(sorted(counts.items()))


# --- the rules that hold ---------------------------------------------------------------------


def test_the_walk_sees_the_platform():
    assert {"services.shared.contract", "services.intake.app", "services.cli"} <= set(modules())
    assert "services.shared.contract.registry" in {m for m, _ in imports("services.shared.contract.envelope")}
    assert "services.shared.clock" in {m for m, _ in imports("services.matching.domain.projection")}


def test_the_shared_floor_imports_no_service():
    assert shared_importing_a_service() == [], "services/shared must not know the services above it"


def test_no_service_imports_another():
    assert service_importing_another() == [], "services talk over events and HTTP, not imports"


def test_there_are_no_import_cycles():
    assert cycles() == [], "move what the modules of a cycle share into a module of its own that both import"


def test_the_checks_find_what_they_look_for(tmp_path, monkeypatch):
    """Each rule, on a small tree made to break it."""
    files = {
        "services/__init__.py": "",
        "services/shared/__init__.py": "",
        "services/shared/a.py": "from services.intake import b\n",
        "services/shared/c.py": "import importlib\nimportlib.import_module(f'services.{x}.handlers')\n",
        "services/shared/d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from services.web import x\n",
        "services/intake/__init__.py": "",
        "services/intake/b.py": "from . import c\n",
        "services/intake/c.py": "def f():\n    from .b import g\n",
        "services/intake/d.py": "from services.matching import store\n",
        "services/intake/domain/__init__.py": "",
        "services/intake/domain/e.py": "from .. import store\nimport sqlalchemy as sa\n",
        "services/intake/domain/f.py": "from dataclasses import dataclass\n",
        "services/intake/store.py": "",
        "services/intake/api/__init__.py": "",
        "services/intake/api/g.py": "def v(conn):\n    return conn.execute(q).scalar()\n" + "\n" * 360,
        "services/intake/api/h.py": "import flask_smorest\nfrom flask_smorest import abort\n"
                                    "def v():\n    abort(404)\n    flask_smorest.abort(409)\n",
        "services/web/__init__.py": "",
        "services/web/api/__init__.py": "",
        "services/web/api/i.py": "from flask import abort\ndef page():\n    abort(404)\n",
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "SERVICES_DIR", tmp_path / "services")
    modules.cache_clear()
    tree.cache_clear()
    try:
        assert [e.split(":")[0] for e in shared_importing_a_service()] == ["services/shared/a.py", "services/shared/c.py"]
        assert service_importing_another() == ["services/intake/d.py:1 imports services.matching"]
        assert cycles() == [["services.intake.b", "services.intake.c"]]
        assert domain_modules_importing_infrastructure() == [
            "services/intake/domain/e.py: services.intake.store, sqlalchemy"]
        assert api_call_sites_running_sql() == ["services/intake/api/g.py:2 .execute()"]
        assert files_over() == ["services/intake/api/g.py: 362 lines"]
        assert api_call_sites_aborting() == ["services/intake/api/h.py:4 abort()", "services/intake/api/h.py:5 abort()"]
    finally:
        modules.cache_clear()
        tree.cache_clear()


# --- the rules of issue 14, holding since their last offender went -------------------------
# A rule that does not hold yet is marked xfail(strict=True) with today's count in the reason.
# Print today's figures: .venv/bin/python -m tests.unit.test_architecture


def test_no_domain_module_imports_a_database_a_framework_or_a_store():
    assert domain_modules_importing_infrastructure() == []


def test_no_api_module_runs_sql():
    assert api_call_sites_running_sql() == []


def test_no_api_module_refuses_with_abort():
    assert api_call_sites_aborting() == [], "raise a Refused kind from the rule or use case that says no"


def test_no_file_in_services_is_over_the_limit():
    assert files_over() == []


if __name__ == "__main__":
    for title, found in [("domain modules importing SQL, a framework, a broker or a store",
                          domain_modules_importing_infrastructure()),
                         ("API call sites running SQL", api_call_sites_running_sql()),
                         ("API call sites refusing with abort()", api_call_sites_aborting()),
                         (f"files over {MAX_LINES} lines", files_over())]:
        print(f"{title}: {len(found)} {by_part(found)}")
        for entry in found:
            print(f"  {entry}")
