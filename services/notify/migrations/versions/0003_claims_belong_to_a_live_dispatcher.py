"""claims belong to a live dispatcher: index deliveries by who claimed them

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 15:10:00.000000

"""
from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    # every claim looks up whose claims are out, to take over those of a dispatcher that died
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_claimed_by', ['claimed_by'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_claimed_by')
