"""audit log: who read or changed a person's data, append-only

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 21:00:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from services.shared import audit

# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('audit_log',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant', sa.String(length=64), nullable=False),
    sa.Column('actor', sa.String(length=320), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('person_sha256', sa.String(length=64), nullable=True),
    sa.Column('route', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_log_tenant_person', 'audit_log', ['tenant', 'person_sha256', 'at'], unique=False)
    op.create_index('ix_audit_log_at', 'audit_log', ['at'], unique=False)
    # nothing rewrites the log: an UPDATE is refused (PostgreSQL; SQLite is the embedded mode)
    if op.get_bind().dialect.name == 'postgresql':
        for statement in audit.APPEND_ONLY:
            op.execute(statement)


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log')
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    op.drop_index('ix_audit_log_tenant_person', table_name='audit_log')
    op.drop_table('audit_log')
