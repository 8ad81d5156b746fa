"""Alembic environment for intake's database."""

from services.intake.store import metadata
from services.shared.migrations_env import run

run(metadata)
