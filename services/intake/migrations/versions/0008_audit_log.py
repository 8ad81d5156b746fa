"""the audit log: who read or changed a person's data, append-only on PostgreSQL

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 21:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from services.shared.audit import APPEND_ONLY

revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'audit_log',
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
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_tenant_person', ['tenant', 'person_sha256', 'at'], unique=False)
        batch_op.create_index('ix_audit_log_at', ['at'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        for statement in APPEND_ONLY:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log')
    op.drop_table('audit_log')
