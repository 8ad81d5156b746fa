"""the staff directory and single-use sign-in codes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 16:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'staff',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('tenant', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=320), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('organisation', sa.String(length=64), nullable=True),
        sa.Column('locale', sa.String(length=2), nullable=False),
        sa.Column('invited_by', sa.String(length=320), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['tenant'], ['tenants.slug']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tenant', 'email', name='uq_staff_tenant_email'),
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index('ix_staff_tenant', ['tenant'], unique=False)
        batch_op.create_index('ix_staff_email', ['email'], unique=False)
    op.create_table(
        'sign_in_codes',
        sa.Column('code_sha256', sa.String(length=64), nullable=False),
        sa.Column('tenant', sa.String(length=64), nullable=False),
        sa.Column('staff_id', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id']),
        sa.PrimaryKeyConstraint('code_sha256'),
    )
    with op.batch_alter_table('sign_in_codes', schema=None) as batch_op:
        batch_op.create_index('ix_sign_in_codes_staff_id', ['staff_id'], unique=False)


def downgrade() -> None:
    op.drop_table('sign_in_codes')
    op.drop_table('staff')
