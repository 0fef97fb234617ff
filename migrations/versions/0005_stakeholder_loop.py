"""stakeholder loop and immediate syncs (issue 11, part 1)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 20:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("escalation_people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("welcomed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("muted_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sync_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sync_held_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sync_held_by", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_column("sync_held_by")
        batch_op.drop_column("sync_held_at")
        batch_op.drop_column("sync_due_at")

    with op.batch_alter_table("escalation_people", schema=None) as batch_op:
        batch_op.drop_column("muted_at")
        batch_op.drop_column("welcomed_at")
