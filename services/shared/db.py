"""Database plumbing: engines, the outbox and inbox tables every service carries, migrations."""

from __future__ import annotations

import functools
from datetime import UTC
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from .errors import NotFound


class UtcDateTime(sa.types.TypeDecorator):
    """A timestamp that goes in and comes out as an aware UTC datetime, on SQLite too."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def create_engine(url: str, **kwargs) -> Engine:
    """An engine for ``url``; SQLite gets WAL and a busy timeout so threads can share the file.

    Parameters stay out of error messages: they hold people's names, addresses and personal
    links, and an error's text goes to logs and dead-letter reasons."""
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
            # pysqlite's own transaction handling defers BEGIN; take the write lock at BEGIN so
            # concurrent writers queue instead of failing on upgrade.
            dbapi_conn.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg")
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kwargs)


def is_postgres(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "postgresql"


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` if it does not exist yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    name = parsed.database
    admin = create_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()


def add_messaging_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """The outbox (events written with the state change) and the inbox (events applied)."""
    outbox = sa.Table(
        "outbox",
        metadata,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("aggregate", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.Index(
            "ix_outbox_pending",
            "id",
            postgresql_where=sa.text("sent_at IS NULL"),
            sqlite_where=sa.text("sent_at IS NULL"),
        ),
    )
    inbox = sa.Table(
        "inbox",
        metadata,
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
    )
    return outbox, inbox


def migrate(service: str, url: str) -> None:
    """Bring ``service``'s database to the newest schema with its Alembic migrations."""
    from alembic import command
    from alembic.config import Config

    ensure_database(url)
    package_dir = Path(__file__).resolve().parent.parent / service
    cfg = Config()
    cfg.set_main_option("script_location", str(package_dir / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["service"] = service
    command.upgrade(cfg, "head")


# --- queries that always name the tenant -----------------------------------------------------


def _key(table: sa.Table) -> sa.Column:
    """The table's one-column primary key (``id``, or e.g. ``application_id``)."""
    (column,) = table.primary_key.columns
    return column


def one(conn, table: sa.Table, tenant: str, id_: str, for_update: bool = False):
    """The row ``id_`` of ``table`` if it belongs to ``tenant``, else None: another tenant's
    object is simply not there."""
    query = sa.select(table).where(_key(table) == id_, table.c.tenant == tenant)
    if for_update:
        query = query.with_for_update()
    return conn.execute(query).mappings().first()


def found(conn, table: sa.Table, tenant: str, id_: str, what: str | None = None, for_update: bool = False):
    """The row ``id_`` of ``table`` if it belongs to ``tenant``; else refused as not found ("No
    such cohort."), the same for another tenant's object as for none at all. ``what`` names the
    thing, by default the table's name without its plural s."""
    row = one(conn, table, tenant, id_, for_update=for_update)
    if row is None:
        raise NotFound(f"No such {what or table.name.removesuffix('s')}.")
    return row


def rows(conn, table: sa.Table, tenant: str, *where, order_by=None):
    """The tenant's rows of ``table`` that satisfy ``where``."""
    query = sa.select(table).where(table.c.tenant == tenant, *where)
    if order_by is not None:
        query = query.order_by(*order_by) if isinstance(order_by, list | tuple) else query.order_by(order_by)
    return conn.execute(query).mappings().all()


def insert_new(conn, table: sa.Table, row: dict) -> bool:
    """Insert ``row`` unless it collides with a unique constraint; True when it was inserted.

    No savepoint and no exception: a duplicate is an answer, not an error (PostgreSQL and SQLite
    both take ``ON CONFLICT DO NOTHING``).
    """
    return conn.execute(_insert_new_statement(table, conn.dialect.name), row).first() is not None


@functools.cache
def _insert_new_statement(table: sa.Table, dialect: str):
    # built once, the values given as parameters: SQLAlchemy then reuses the compiled statement
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # RETURNING, not rowcount: the driver may report -1 for an INSERT it did carry out
    return insert(table).on_conflict_do_nothing().returning(*table.primary_key.columns)


def update(conn, table: sa.Table, tenant: str, id_: str, **values) -> None:
    """Change the tenant's row ``id_``; another tenant's row is never touched."""
    conn.execute(table.update().where(_key(table) == id_, table.c.tenant == tenant).values(**values))


def upsert(conn, table: sa.Table, tenant: str, id_: str, values: dict) -> None:
    """Insert the tenant's row ``id_`` or change it: a projection applying an event twice changes
    nothing (the row is keyed by the producer's id)."""
    key = _key(table)
    where = (key == id_, table.c.tenant == tenant)
    if conn.execute(sa.select(key).where(*where)).first():
        conn.execute(table.update().where(*where).values(**values))
    else:
        conn.execute(table.insert().values({key.name: id_, "tenant": tenant, **values}))
