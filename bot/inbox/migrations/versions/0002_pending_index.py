"""The customers' waiting messages by a partial index of the pending rows only.

Revision ID: inbox_0002
Revises: inbox_0001

An index of every row on (user_key, status, id) puts each new message, and again each handled one, at a random
place in an index as large as seven days of messages: a page of its own to write back at nearly every commit.
The pending rows alone are the backlog, a few pages that the messages arriving together share.
"""
import sqlalchemy as sa
from alembic import op

revision = "inbox_0002"
down_revision = "inbox_0001"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_index("ix_inbound_pending", "inbound_messages", ["user_key", "id"],
                    sqlite_where=PENDING, postgresql_where=PENDING)
    if "ix_inbound_user_status" in {ix["name"] for ix in sa.inspect(op.get_bind()).get_indexes("inbound_messages")}:
        op.drop_index("ix_inbound_user_status", table_name="inbound_messages")


def downgrade() -> None:
    op.create_index("ix_inbound_user_status", "inbound_messages", ["user_key", "status", "id"])
    op.drop_index("ix_inbound_pending", table_name="inbound_messages")
