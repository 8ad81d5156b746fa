"""The body of every service's Alembic ``env.py``: run migrations against that service's tables."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import context

from .db import create_engine


def _render_item(type_, obj, autogen_context):
    """Write Tandem's column types as the plain SQLAlchemy types they store as."""
    from .db import UtcDateTime

    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run(metadata) -> None:
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # SQLite's batch migrations copy tables, which its foreign-key checks would refuse: migrate
    # over a plain connection (foreign keys off), not the application's.
    engine = sa.create_engine(url) if url.startswith("sqlite") else create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            render_item=_render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
