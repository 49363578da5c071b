"""Alembic environment for the booking engine's tables; run in code by `migrate`."""

from alembic import context

from booking_client.local.migrations import VERSION_TABLE
from booking_client.local.models import Base

connection = context.config.attributes["connection"]
if connection is None:
    raise RuntimeError("run these migrations through booking_client.local.migrate(engine)")


def _ours(obj, name, type_, reflected, compare_to) -> bool:
    # The database also holds the bot's tables; autogenerate must not try to drop them.
    return type_ != "table" or name in Base.metadata.tables


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    include_object=_ours,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
