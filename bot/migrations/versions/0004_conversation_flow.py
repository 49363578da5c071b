"""The flow a conversation is in, as a column, so unfinished bookings are found by an index.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("flow", sa.String(20), nullable=True))
    op.create_index("ix_conversations_flow_updated", "conversations", ["flow", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_conversations_flow_updated", "conversations")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("flow")
