"""WhatsApp contacts (last message for the 24-hour window, opt-out) and the delivery log.

Revision ID: whatsapp_0001
Revises:

A database migrated by an earlier version already has these tables (they were part of
the conversation store's history then); they are adopted as they are.
"""
import sqlalchemy as sa
from alembic import op

revision = "whatsapp_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("channel_contacts"):
        op.create_table(
            "channel_contacts",
            sa.Column("key", sa.String(200), primary_key=True),
            sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("opted_out", sa.Boolean(), nullable=False, server_default=sa.false()),
            sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        )
    if not inspector.has_table("outbound_messages"):
        op.create_table(
            "outbound_messages",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("channel", sa.String(20), nullable=False),
            sa.Column("provider_id", sa.String(64), nullable=True, unique=True),
            sa.Column("user_key", sa.String(200), nullable=False),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("status", sa.String(20), nullable=False),
            sa.Column("detail", sa.String(300), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        )


def downgrade() -> None:
    op.drop_table("outbound_messages")
    op.drop_table("channel_contacts")
