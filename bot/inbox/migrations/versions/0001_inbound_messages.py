"""Inbound channel messages: de-duplication and order per customer.

Revision ID: inbox_0001
Revises:

A database migrated by an earlier version already has the table (it was part of the
conversation store's history then); it is adopted as it is.
"""
import sqlalchemy as sa
from alembic import op

revision = "inbox_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("inbound_messages"):
        return
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("message_id", sa.String(100), nullable=False),
        sa.Column("user_key", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("channel", "message_id", name="uq_inbound_channel_message"),
    )
    op.create_index("ix_inbound_user_status", "inbound_messages", ["user_key", "status", "id"])
    op.create_index("ix_inbound_user_received", "inbound_messages", ["user_key", "received_at"])


def downgrade() -> None:
    op.drop_index("ix_inbound_user_received", table_name="inbound_messages")
    op.drop_index("ix_inbound_user_status", table_name="inbound_messages")
    op.drop_table("inbound_messages")
