"""Replies and notices waiting to be sent, written in the same transaction as the turn that made them.

Revision ID: outbox_0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "outbox_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outgoing_messages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("user_key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(300), nullable=True),
        sa.Column("sent_ref", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("key", name="uq_outgoing_key"),
    )
    op.create_index("ix_outgoing_user_status", "outgoing_messages", ["user_key", "status", "id"])
    op.create_index("ix_outgoing_status", "outgoing_messages", ["status", "id"])


def downgrade() -> None:
    op.drop_index("ix_outgoing_status", table_name="outgoing_messages")
    op.drop_index("ix_outgoing_user_status", table_name="outgoing_messages")
    op.drop_table("outgoing_messages")
