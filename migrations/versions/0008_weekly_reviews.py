"""weekly Sev 1 reviews, leadership guidance actions, the Y/R review list, an update's new
path to green (issue 11, part 2)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 20:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "weekly_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=32), nullable=False),
        sa.Column("stakeholder_communication", sa.Text(), nullable=False),
        sa.Column("budget_timeline_impact", sa.Text(), nullable=False),
        sa.Column("resource_allocation", sa.Text(), nullable=False),
        sa.Column("raid_reviewed", sa.Boolean(), nullable=False),
        sa.Column("raid_notes", sa.Text(), nullable=True),
        sa.Column("forecast", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_weekly_reviews_escalation_id_escalations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_reviews")),
    )
    with op.batch_alter_table("weekly_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_weekly_reviews_escalation_id"), ["escalation_id"], unique=False
        )
    op.create_table(
        "guidance_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=32), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_guidance_actions_escalation_id_escalations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guidance_actions")),
    )
    with op.batch_alter_table("guidance_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guidance_actions_escalation_id"), ["escalation_id"], unique=False
        )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_weekly_review_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("off_review_list_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("path_to_green", sa.Text(), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("updates", schema=None) as batch_op:
        batch_op.drop_column("path_to_green")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_column("off_review_list_at")
        batch_op.drop_column("last_weekly_review_at")
    with op.batch_alter_table("guidance_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guidance_actions_escalation_id"))
    op.drop_table("guidance_actions")
    with op.batch_alter_table("weekly_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weekly_reviews_escalation_id"))
    op.drop_table("weekly_reviews")
