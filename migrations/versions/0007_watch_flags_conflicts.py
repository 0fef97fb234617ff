"""watched projects, flags without escalation, people conflicts (issue 16, part 2)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 20:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "people_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("raised_by", sa.String(length=32), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("raiser_manager", sa.String(length=32), nullable=False),
        sa.Column(
            "team",
            sa.Enum("sales", "cs", "other", name="conflictteam", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("person", sa.String(length=32), nullable=False),
        sa.Column("person_manager", sa.String(length=32), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("managers_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("executive_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("managers_told_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("executive_told_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=32), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people_conflicts")),
    )
    with op.batch_alter_table("people_conflicts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_people_conflicts_resolved_at"), ["resolved_at"], unique=False
        )

    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("watch_channel_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("watch_ts", sa.String(length=32), nullable=True))

    with op.batch_alter_table("urgent_flags", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("channel_id", sa.String(length=32), nullable=True))
        batch_op.alter_column("escalation_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f("ix_urgent_flags_thread_ts"), ["thread_ts"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    # Flags raised with no escalation have nowhere to live in the older schema.
    op.execute("DELETE FROM urgent_flags WHERE escalation_id IS NULL")
    with op.batch_alter_table("urgent_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_urgent_flags_thread_ts"))
        batch_op.alter_column("escalation_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("channel_id")
        batch_op.drop_column("customer")

    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_column("watch_ts")
        batch_op.drop_column("watch_channel_id")

    with op.batch_alter_table("people_conflicts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_conflicts_resolved_at"))

    op.drop_table("people_conflicts")
