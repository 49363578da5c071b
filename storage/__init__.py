"""The one database layer every component builds on: engine, UTC column, upsert, migrations.

Each component owns its tables (declared next to its repository) and its own Alembic
history; this package only holds what they share, so no component borrows another's.
"""

from .alone import alone, in_turn
from .along import Brought, Read, serving
from .direct import Change, Query, Statement, bring, nothing, transaction
from .engine import is_memory, make_engine, reads
from .migrations import MIGRATION_LOCK, MigrationError, migrate, run_alembic_env
from .group import commit, give_way, idle, submit
from .types import UTCDateTime, greatest, insert_for
from .unit import AfterCommit, Write, committed, writing

__all__ = ["MIGRATION_LOCK", "AfterCommit", "MigrationError", "Brought", "Change", "Query", "Read", "Statement", "UTCDateTime", "Write", "alone", "bring", "commit", "committed", "give_way",
           "greatest", "idle", "in_turn", "insert_for", "is_memory", "make_engine", "migrate", "nothing", "reads", "run_alembic_env", "serving",
           "submit", "transaction", "writing"]
