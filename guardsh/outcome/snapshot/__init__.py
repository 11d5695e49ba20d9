"""Keep a copy before a line destroys local state, and `guardsh undo` it.

The gate asks plan() for each line whose effects the policy marks `snapshot`;
a Plan means take() then run the line, an Unkeepable means confirm as before."""

from .errors import SnapshotError, Unkeepable
from .files import PathsTarget
from .git import GitTarget
from .plan import Plan, Restored, Snapshot, list_snapshots, plan, prune, restore, take
from .postgres import PostgresTarget
from .sqlite import SqliteTarget
from .store import Manifest, Settings, Store

__all__ = ["GitTarget", "Manifest", "PathsTarget", "Plan", "PostgresTarget", "Restored", "Settings", "Snapshot",
           "SnapshotError", "SqliteTarget", "Store", "Unkeepable", "list_snapshots", "plan", "prune", "restore",
           "take"]
