"""Alembic environment for scheduling's database."""

from services.scheduling.store import metadata
from services.shared.migrations_env import run

run(metadata)
