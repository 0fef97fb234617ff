"""insights (issue 15): the health an escalation was opened with

The weekly trend of open escalations by health replays each escalation's updates (each
carries the health it set); what came before the first update is the health at opening.
Rows opened before this column existed keep NULL and the figures fall back on the first
update's health.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 20:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(
            sa.Column(
                "health_at_open",
                sa.Enum("red", "yellow", "green", name="health", native_enum=False, length=16),
                nullable=True,
            )
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("escalations") as batch:
        batch.drop_column("health_at_open")
