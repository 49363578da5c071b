"""Alembic environment for the outbox's table; run in code by `bot.outbox.migrate`."""

from alembic import context

from storage import run_alembic_env

run_alembic_env(context)
