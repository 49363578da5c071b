"""Alembic environment for the bot's own tables; run in code by `bot.store.migrate`."""

from alembic import context

from bot.store import VERSION_TABLE, metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
