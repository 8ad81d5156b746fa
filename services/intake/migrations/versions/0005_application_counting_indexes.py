"""applications: indexes for counting places and finding those waiting to be numbered

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 15:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_cohort_role_status', ['tenant', 'cohort_id', 'role', 'status'], unique=False)
        batch_op.create_index('ix_applications_waiting', ['cohort_id'], unique=False,
                              postgresql_where=sa.text('arrival IS NULL'), sqlite_where=sa.text('arrival IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_waiting')
        batch_op.drop_index('ix_applications_cohort_role_status')
