"""``tandem``: run the platform, migrate, create tenants, issue tokens.

    tandem run                  all four services in one process (embedded default)
    tandem up                   each service as an API (gunicorn) and a worker process
    tandem api SERVICE          one service's API under gunicorn
    tandem web                  the web front (applicants' pages) under gunicorn
    tandem worker SERVICE       one service's worker
    tandem migrate [SERVICE]    bring databases to the newest schema
    tandem tenant create SLUG NAME
    tandem token --role operator | --tenant SLUG --role coordinator --sub EMAIL
    tandem contracts            write docs/ (AsyncAPI, OpenAPI) and the generated deploy/ files
    tandem dlq list|replay|discard SERVICE   inspect and act on a dead-letter queue
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

# Only what every command needs is imported here: Flask, SQLAlchemy, the broker's clients (and
# matching's numpy and scipy) are imported by the commands that use them, so `tandem --help`
# and the image's entry point answer at once.
from services.shared.config import DEFAULT_PORTS, SERVICES, public_url_serving, settings_for

if TYPE_CHECKING:
    from services.shared.bus.handlers import HandlerTable


class _Roles(click.Choice):
    """The roles a token can carry, read from services.shared.tenancy (which imports Flask) only
    when `tandem token` parses or describes its --role."""

    def __init__(self) -> None:
        super().__init__((), case_sensitive=True)

    @property
    def choices(self) -> tuple[str, ...]:
        from services.shared.tenancy import ROLES

        return ROLES

    @choices.setter
    def choices(self, _: object) -> None:
        pass


class _Elsewhere(click.Group):
    """A command group defined in another module, imported when one of its commands is used or
    its own help is asked for; `tandem --help` shows the one line given here."""

    def __init__(self, name: str, where: str, help: str) -> None:
        super().__init__(name, help=help)
        self.where = where

    def _group(self) -> click.Group:
        module, attribute = self.where.split(":")
        return getattr(importlib.import_module(module), attribute)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._group().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._group().get_command(ctx, name)


@click.group()
def main() -> None:
    """Tandem: mentoring programmes for immigrant academics."""


@main.command("migrate")
@click.argument("service", required=False, type=click.Choice(SERVICES))
def migrate_cmd(service: str | None) -> None:
    """Bring one service's database (or all four) to the newest schema."""
    from services.shared.db import migrate

    for name in [service] if service else SERVICES:
        migrate(name, settings_for(name).database_url)
        click.echo(f"{name}: migrated")


@main.group()
def tenant() -> None:
    """Tenants: the organisations running programmes."""


@tenant.command("create")
@click.argument("slug")
@click.argument("name")
def tenant_create(slug: str, name: str) -> None:
    """Create a tenant (writes intake's database and its tenant.created.v1 event)."""
    from services.intake.usecases.tenants import TenantExists, create_tenant
    from services.shared.db import create_engine, migrate

    settings = settings_for("intake")
    migrate("intake", settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        with engine.begin() as conn:
            create_tenant(conn, slug, name, datetime.now(UTC))
    except TenantExists:
        raise click.ClickException(f"the tenant {slug} exists already") from None
    click.echo(f"tenant {slug} created")


@tenant.command("invite")
@click.argument("slug")
@click.argument("email")
@click.argument("name")
@click.option("--locale", type=click.Choice(["sv", "fi", "nb", "en"]), default="sv", show_default=True,
              help="the language of the invitation and of their pages")
def tenant_invite(slug: str, email: str, name: str, locale: str) -> None:
    """Invite a tenant's first coordinator: they get an e-mail with a sign-in link to the console."""
    from services.intake.usecases.staff import AlreadyStaff, invite_first
    from services.shared.db import create_engine, migrate
    from services.shared.errors import NotFound

    settings = settings_for("intake")
    migrate("intake", settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        with engine.begin() as conn:
            invite_first(conn, slug, {"email": email, "name": name, "role": "coordinator", "locale": locale},
                         "operator", settings)
    except NotFound:
        raise click.ClickException(f"there is no tenant {slug}: create it first (tandem tenant create)") from None
    except AlreadyStaff:
        raise click.ClickException(f"{email} is staff of {slug} already") from None
    click.echo(f"{email} invited as a coordinator of {slug}: the sign-in link is on its way")


@main.command()
@click.option("--role", type=_Roles(), required=True)
@click.option("--tenant", "tenant_slug", default="*", help="the tenant (not for operators)")
@click.option("--sub", default=None, help="who the token is for")
@click.option("--org", default=None, help="a representative's member organisation")
@click.option("--ttl", default=8 * 3600, show_default=True, help="seconds until it expires")
def token(role: str, tenant_slug: str, sub: str | None, org: str | None, ttl: int) -> None:
    """Print a signed bearer token."""
    from services.shared.tenancy import issue_token

    key = settings_for("intake").signing_key
    click.echo(issue_token(key, tenant=tenant_slug, role=role, sub=sub or role, org=org, ttl=ttl))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
def run(host: str, port: int) -> None:
    """All four services and the web front in one process: in-memory transport, SQLite in the data directory."""
    from werkzeug.serving import run_simple

    from services import embedded
    from services.shared import logs

    os.environ.setdefault("AMQP_URL", "memory://")
    logs.configure("tandem")
    # the web front calls the APIs on this same server (loopback when it listens everywhere)
    loopback = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    own = f"http://{f'[{loopback}]' if ':' in loopback else loopback}:{port}"
    platform = embedded.build(api_base=own, public_url=public_url_serving(host, port))
    platform.start_workers()
    base = f"http://{host}:{port}"
    settings = settings_for("intake")
    click.echo(f"\nTandem is running (embedded: {settings.amqp_url}, data in {settings.data_dir.resolve()})")
    click.echo(f"  web front   {base}/")
    click.echo(f"  console     {base}/console   (coordinators sign in at {base}/sign-in)")
    for name in SERVICES:
        click.echo(f"  {name:<11} {base}/{name}/   docs {base}/{name}/docs")
    click.echo(f"  metrics     {base}/metrics    health {base}/healthz")
    mail = "SMTP " + f"{settings.smtp_host}:{settings.smtp_port}" if settings.smtp_host else str((settings.data_dir / 'mail' / 'outbox.mbox').resolve())
    click.echo(f"  mail        {mail}")
    click.echo("\nA first coordinator:  .venv/bin/tandem tenant create saco Saco && "
               ".venv/bin/tandem tenant invite saco anna@example.se 'Anna Lind'   (the link is in the mail)")
    click.echo("An operator token:    .venv/bin/tandem token --role operator\n")
    try:
        run_simple(host, port, platform.wsgi, threaded=True, use_reloader=False, request_handler=embedded.KeepAlive)
    finally:
        platform.shutdown()


@main.command()
@click.argument("service", type=click.Choice(SERVICES))
def worker(service: str) -> None:
    """Run one service's worker: consumer, outbox relay, timers."""
    from services.shared import logs

    logs.configure(service)
    importlib.import_module(f"services.{service}.worker").main()


@main.command()
@click.argument("service", type=click.Choice(SERVICES))
@click.option("--port", type=int, default=None)
@click.option("--workers", "processes", type=int, default=2, show_default=True)
def api(service: str, port: int | None, processes: int) -> None:
    """Run one service's API under gunicorn."""
    port = port or DEFAULT_PORTS[service]
    os.execvp(sys.executable, [
        sys.executable, "-m", "gunicorn", "--config", "python:services.shared.gunicorn_conf",
        "--bind", f"0.0.0.0:{port}", "--workers", str(processes),
        f"services.{service}.app:create_app()",
    ])


@main.command()
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--workers", "processes", type=int, default=2, show_default=True)
def web(port: int, processes: int) -> None:
    """Run the web front under gunicorn: the applicants' pages, over the four APIs
    (TANDEM_INTAKE_URL, TANDEM_MATCHING_URL, TANDEM_SCHEDULING_URL, TANDEM_NOTIFY_URL)."""
    os.environ.setdefault("TANDEM_SERVICE", "web")
    os.environ.setdefault("TANDEM_WEB_SECURE_COOKIES", "1")  # the session cookie only over HTTPS (and localhost)
    os.execvp(sys.executable, [
        sys.executable, "-m", "gunicorn", "--config", "python:services.shared.gunicorn_conf",
        "--bind", f"0.0.0.0:{port}", "--workers", str(processes),
        "services.web.app:create_app()",
    ])


@main.command()
@click.option("--port-base", default=8000, show_default=True, help="the web front on it, intake on +1, matching +2, ...")
@click.option("--api-workers", default=2, show_default=True, help="gunicorn workers per API")
def up(port_base: int, api_workers: int) -> None:
    """Every service as separate processes (API under gunicorn, worker) on RabbitMQ and PostgreSQL,
    and the web front under gunicorn on the base port."""
    from services.shared.db import migrate

    os.environ.setdefault("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
    os.environ.setdefault("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/tandem_{service}")
    for name in SERVICES:
        migrate(name, settings_for(name).database_url)
    run_dir = Path(settings_for("intake").data_dir) / "run"
    procs: list[subprocess.Popen] = []
    tandem = [sys.executable, "-m", "services.cli"]
    # the web front calls each API on its port here
    web_env = dict(os.environ, TANDEM_SERVICE="web", PROMETHEUS_MULTIPROC_DIR=str(_fresh_dir(run_dir / "metrics-web")),
                   **{f"TANDEM_{name.upper()}_URL": f"http://127.0.0.1:{port_base + i}" for i, name in enumerate(SERVICES, start=1)})
    procs.append(subprocess.Popen([*tandem, "web", "--port", str(port_base), "--workers", str(api_workers)], env=web_env))
    click.echo(f"\n  {'web':<11} http://127.0.0.1:{port_base}/   (the people's pages; coordinators at /console)")
    for i, name in enumerate(SERVICES, start=1):
        # each service links to its own pages in e-mail: on its own port here, unless told otherwise
        env = dict(os.environ, TANDEM_SERVICE=name, PROMETHEUS_MULTIPROC_DIR=str(_fresh_dir(run_dir / f"metrics-{name}")),
                   TANDEM_PUBLIC_URL=public_url_serving("127.0.0.1", port_base + i),
                   # and the people's pages are the web front's, on the base port
                   TANDEM_WEB_URL=os.environ.get("TANDEM_WEB_URL") or public_url_serving("127.0.0.1", port_base))
        procs.append(subprocess.Popen([*tandem, "api", name, "--port", str(port_base + i), "--workers", str(api_workers)], env=env))
        procs.append(subprocess.Popen([*tandem, "worker", name], env=env))
        click.echo(f"  {name:<11} http://127.0.0.1:{port_base + i}/{name}/   docs http://127.0.0.1:{port_base + i}/{name}/docs")
    click.echo(f"\nBroker {os.environ['AMQP_URL'].split('@')[-1]}; databases {os.environ['DATABASE_URL'].split('@')[-1]}")
    click.echo("An operator token:  .venv/bin/tandem token --role operator\n")

    def stop(*_):
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(proc.poll() is None for proc in procs):
            time.sleep(0.5)
    finally:
        stop()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    failed = [p.args for p in procs if p.returncode not in (0, -signal.SIGTERM)]
    if failed:
        raise click.ClickException(f"stopped because a process ended: {json.dumps(failed[:1])}")


def _fresh_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    return path


def handler_tables() -> list[HandlerTable]:
    """Each service's handler table, in the order of SERVICES."""
    return [importlib.import_module(f"services.{service}.handlers").HANDLERS for service in SERVICES]


def contract_documents() -> dict[str, str]:
    """File name under docs/ -> content of the AsyncAPI document and each service's OpenAPI
    document, from the handler tables and each service's app on a throwaway database."""
    import tempfile

    from services.shared.contract.documents import documents
    from services.shared.db import create_engine

    apps = {}
    with tempfile.TemporaryDirectory() as tmp:
        for service in SERVICES:
            settings = settings_for(service, database_url=f"sqlite:///{tmp}/{service}.db", amqp_url="memory://",
                                    signing_key="documents")
            app = importlib.import_module(f"services.{service}.app").create_app(settings, create_engine(settings.database_url))
            apps[service] = app
        return documents(handler_tables(), apps)


def record_of_processing() -> str:
    """docs/privacy.md, from each service's store declarations and the handler tables."""
    from services.shared.contract.processing import record

    stores = {service: importlib.import_module(f"services.{service}.store").metadata for service in SERVICES}
    return record(stores, handler_tables())


@main.command()
@click.option("--out", default="docs", show_default=True)
def contracts(out: str) -> None:
    """Write the AsyncAPI and OpenAPI documents, the record of processing, and the deployment files
    generated from the code (RabbitMQ definitions and topology, the Prometheus rule resource)."""
    from services.ops import write_generated
    from services.shared.contract.documents import write

    generated = {**contract_documents(), "privacy.md": record_of_processing()}
    for path in [*write(Path(out), generated), *write_generated()]:
        click.echo(f"wrote {path}")


main.add_command(_Elsewhere(
    "dlq", "services.ops:dlq", help="Dead-letter queues: inspect, replay, discard (RabbitMQ, AMQP_URL)."))

if __name__ == "__main__":
    main()
