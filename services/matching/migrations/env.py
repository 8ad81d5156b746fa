"""Alembic environment for matching's database."""

from services.matching.store import metadata
from services.shared.migrations_env import run

run(metadata)
