"""weekly reviews, PMO briefing, Sev 2 rules, review actions (issue 11, part 2)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 20:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""


def downgrade() -> None:
    """Downgrade schema."""
