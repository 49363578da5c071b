"""Alembic environment for the conversation table; run in code by `bot.store.migrate`."""

from alembic import context

from storage import run_alembic_env

run_alembic_env(context)
