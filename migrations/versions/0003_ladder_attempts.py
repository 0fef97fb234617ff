"""ladder: confirmed contact attempts, the sales contact reached, Sales Ops notes (issue 16)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 20:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "contact_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wait_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "stalled_notice",
                "called",
                "final_notice",
                name="attemptkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("confirmed_by", sa.String(length=32), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["wait_id"],
            ["customer_waits.id"],
            name=op.f("fk_contact_attempts_wait_id_customer_waits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_attempts")),
        sa.UniqueConstraint("wait_id", "kind", name=op.f("uq_contact_attempts_wait_id_kind")),
    )
    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_attempts_wait_id"), ["wait_id"], unique=False)

    with op.batch_alter_table("customer_waits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sales_ops_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("sales_ops_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sales_ops_notes", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("sales_contact", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("sales_contact_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("customer_waits", schema=None) as batch_op:
        batch_op.drop_column("sales_contact_at")
        batch_op.drop_column("sales_contact")
        batch_op.drop_column("sales_ops_notes")
        batch_op.drop_column("sales_ops_at")
        batch_op.drop_column("sales_ops_by")

    with op.batch_alter_table("contact_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_attempts_wait_id"))

    op.drop_table("contact_attempts")
