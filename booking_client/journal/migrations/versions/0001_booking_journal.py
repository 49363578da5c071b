"""The booking journal: which bookings changed, in order, for backends without a change log of their own.

Revision ID: journal_0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "journal_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "booking_journal",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("booking_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dedupe", sa.String(200), nullable=True, unique=True),
    )


def downgrade() -> None:
    op.drop_table("booking_journal")
