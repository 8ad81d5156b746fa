"""the audit log: who read or changed a person's data, append-only on PostgreSQL

The table is written by ``services.shared.audit.create_table``, as every service's migration
first made it (the same in each service, on SQLite and PostgreSQL).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 21:00:00

"""
from collections.abc import Sequence

from alembic import op

from services.shared import audit

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    audit.create_table(op)


def downgrade() -> None:
    audit.drop_table(op)
