"""Alembic environment for notify's database."""

from services.notify.store import metadata
from services.shared.migrations_env import run

run(metadata)
