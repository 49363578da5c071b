"""Word for the team from a customer that opens no handoff ("I'm running 10 minutes late").

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_messages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_key", sa.String(200), nullable=False),
        sa.Column("lang", sa.String(8), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False, server_default=""),
        sa.Column("booking_id", sa.String(200), nullable=True),
        sa.Column("booking_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("service", sa.String(200), nullable=True),
        sa.Column("staff", sa.String(200), nullable=True),
        sa.Column("late_minutes", sa.Integer(), nullable=True),
        sa.Column("arrives_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("team_messages")
