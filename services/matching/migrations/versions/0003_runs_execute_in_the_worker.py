"""runs execute in the worker: queued status, failure reasons, leases, one active run per cohort

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status IN ('queued', 'running')")


def upgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.alter_column('error', new_column_name='failure_reason', existing_type=sa.Text(), existing_nullable=True)
        batch_op.add_column(sa.Column('failure_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))

    conn = op.get_bind()
    runs = sa.table('runs', sa.column('id'), sa.column('tenant'), sa.column('cohort_id'), sa.column('status'),
                    sa.column('requested_at'), sa.column('failure_code'), sa.column('failure_reason'))
    # The old runs kept exception texts; a coordinator reads these now.
    conn.execute(runs.update().where(runs.c.status == 'failed').values(
        failure_code='unexpected', failure_reason='the run failed unexpectedly; the operators have the details in the log'))
    conn.execute(runs.update().where(runs.c.status == 'requested').values(status='queued'))
    # Before one active run per cohort is enforced, keep the earliest of each cohort's active runs.
    seen = set()
    active = conn.execute(sa.select(runs.c.id, runs.c.tenant, runs.c.cohort_id).where(runs.c.status.in_(['queued', 'running']))
                          .order_by(runs.c.requested_at)).all()
    for run_id, tenant, cohort_id in active:
        if (tenant, cohort_id) in seen:
            conn.execute(runs.update().where(runs.c.id == run_id).values(
                status='failed', failure_code='duplicate', failure_reason='an earlier run of this cohort was already queued'))
        seen.add((tenant, cohort_id))

    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.create_index('uq_runs_active_cohort', ['tenant', 'cohort_id'], unique=True,
                              postgresql_where=ACTIVE, sqlite_where=ACTIVE)


def downgrade() -> None:
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_index('uq_runs_active_cohort', postgresql_where=ACTIVE, sqlite_where=ACTIVE)
        batch_op.drop_column('attempts')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('failure_code')
        batch_op.alter_column('failure_reason', new_column_name='error', existing_type=sa.Text(), existing_nullable=True)
    op.execute("UPDATE runs SET status = 'requested' WHERE status = 'queued'")
