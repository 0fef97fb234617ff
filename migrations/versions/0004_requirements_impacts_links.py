"""requirements, change orders, artifact versions, extra links; impacts and blocker
resolution (issue 12)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 20:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _child_table(name: str, *columns: sa.Column) -> None:
    """A table of rows that belong to one escalation, indexed by it."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f(f"fk_{name}_escalation_id_escalations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_escalation_id"), ["escalation_id"])


def upgrade() -> None:
    """Upgrade schema."""
    _child_table(
        "artifact_versions",
        sa.Column("artifact", sa.String(length=300), nullable=False),
        sa.Column("version", sa.String(length=300), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    _child_table(
        "change_orders",
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("approver", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "approved",
                "rejected",
                name="changeorderstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("proposed_by", sa.String(length=32), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    )
    _child_table(
        "extra_links",
        sa.Column(
            "kind",
            sa.Enum("dashboard", "other", name="extralinkkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    _child_table(
        "requirements",
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_off_by", sa.String(length=32), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "requirement_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("done_by", sa.String(length=32), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["requirements.id"],
            name=op.f("fk_requirement_checks_requirement_id_requirements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement_checks")),
    )
    with op.batch_alter_table("requirement_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_requirement_checks_requirement_id"), ["requirement_id"]
        )

    with op.batch_alter_table("blockers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolved_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("resolution", sa.Text(), nullable=True))

    # Impacts recorded before this revision were all staffing impacts on no named project.
    with op.batch_alter_table("resource_impacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum(
                    "resource",
                    "budget",
                    "timeline",
                    name="impactkind",
                    native_enum=False,
                    length=16,
                ),
                nullable=False,
                server_default="resource",
            )
        )
        batch_op.add_column(sa.Column("other_projects", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("other_pms", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("resource_impacts", schema=None) as batch_op:
        batch_op.drop_column("other_pms")
        batch_op.drop_column("other_projects")
        batch_op.drop_column("kind")

    with op.batch_alter_table("blockers", schema=None) as batch_op:
        batch_op.drop_column("resolution")
        batch_op.drop_column("resolved_by")

    with op.batch_alter_table("requirement_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requirement_checks_requirement_id"))
    op.drop_table("requirement_checks")
    for name in ("requirements", "extra_links", "change_orders", "artifact_versions"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_escalation_id"))
        op.drop_table(name)
