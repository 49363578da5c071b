"""Alembic environment for the inbox's table; run in code by `bot.inbox.migrate`."""

from alembic import context

from storage import run_alembic_env

run_alembic_env(context)
