"""Where snapshots live: one directory per snapshot under guardsh's data
directory ($XDG_DATA_HOME/guardsh/undo), each with a manifest.json.

A snapshot directory appears whole or not at all: it is built under a
`.tmp-*` name and renamed into place only once everything in it is written, so
a crash, a full disk or a failed copy never leaves something that `undo --list`
would offer. Removal renames to `.trash-*` first, for the same reason."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field, fields

from ...paths import undo_dir

MANIFEST = "manifest.json"
STAGING_PREFIX = ".tmp-"
TRASH_PREFIX = ".trash-"
# A staging directory this old belongs to a guardsh that died mid-snapshot.
STALE_STAGING_SECONDS = 3600


@dataclass(frozen=True)
class Settings:
    """Limits of what guardsh keeps. Above a per-snapshot limit the line is not
    kept at all (the gate asks instead); the total and the age are enforced by
    pruning the oldest snapshots."""

    max_bytes: int = 1 << 30            # one snapshot: bytes of file content it holds
    max_files: int = 100_000            # one snapshot: files, links and directories
    total_bytes: int = 5 << 30          # all snapshots together
    retention_days: float = 14.0
    timeout_seconds: float = 30.0       # to take or to restore one snapshot
    # host:port of PostgreSQL servers the user declares local development servers.
    # Empty by default: a port forwarded to production looks exactly like localhost.
    local_postgres: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, values: dict) -> "Settings":
        """From a config table such as [undo] in rules.toml; unknown keys are an error."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown undo setting(s): {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(known))})")
        converted = {}
        for key, value in values.items():
            if key == "local_postgres":
                converted[key] = tuple(str(v) for v in value)
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"undo setting {key}: expected a non-negative number, got {value!r}")
            else:
                converted[key] = type(getattr(cls, key))(value)
        return cls(**converted)


@dataclass
class Manifest:
    """What one snapshot holds; stored as manifest.json in its directory."""

    id: str
    time: float
    cwd: str
    command: str
    kinds: list[str]
    kept: list[str]                     # one line per part, for humans
    bytes: int
    files: int
    parts: list[dict]                   # per-kind details a restore needs
    restores: list[dict] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        data = json.loads(text)
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})

    def listing(self) -> dict:
        """What `undo --list --json` shows of it."""
        return {"id": self.id, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(self.time)),
                "cwd": self.cwd, "command": self.command, "kinds": self.kinds, "kept": self.kept,
                "bytes": self.bytes, "files": self.files, "restores": self.restores}


def new_id(now: float | None = None) -> str:
    """Sortable by time, short enough to type: 20261206-014502-3fa9."""
    return time.strftime("%Y%m%d-%H%M%S", time.localtime(now)) + "-" + secrets.token_hex(2)


class Store:
    def __init__(self, root: str | None = None):
        self.root = root or undo_dir()

    def ensure(self) -> None:
        # Snapshots hold the user's data: private to the user.
        os.makedirs(self.root, mode=0o700, exist_ok=True)

    def st_dev(self) -> int:
        self.ensure()
        return os.stat(self.root).st_dev

    def begin(self, snapshot_id: str) -> str:
        """A fresh staging directory for one snapshot."""
        self.ensure()
        staging = os.path.join(self.root, f"{STAGING_PREFIX}{snapshot_id}")
        os.mkdir(staging, 0o700)
        return staging

    def commit(self, staging: str, manifest: Manifest) -> str:
        """Write the manifest and make the snapshot visible, in one rename."""
        write_file_atomically(os.path.join(staging, MANIFEST), manifest.to_json())
        final = self.path(manifest.id)
        os.rename(staging, final)
        fsync_dir(self.root)
        return final

    def abandon(self, staging: str) -> None:
        shutil.rmtree(staging, ignore_errors=True)

    def path(self, snapshot_id: str) -> str:
        return os.path.join(self.root, snapshot_id)

    def ids(self) -> list[str]:
        try:
            names = os.listdir(self.root)
        except FileNotFoundError:
            return []
        return sorted(n for n in names if not n.startswith(".")
                      and os.path.isfile(os.path.join(self.root, n, MANIFEST)))

    def load(self, snapshot_id: str) -> Manifest:
        with open(os.path.join(self.path(snapshot_id), MANIFEST), encoding="utf-8") as f:
            return Manifest.from_json(f.read())

    def save(self, manifest: Manifest) -> None:
        write_file_atomically(os.path.join(self.path(manifest.id), MANIFEST), manifest.to_json())

    def manifests(self) -> list[Manifest]:
        """Every complete snapshot, oldest first; an unreadable manifest is skipped."""
        found = []
        for snapshot_id in self.ids():
            try:
                found.append(self.load(snapshot_id))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return sorted(found, key=lambda m: (m.time, m.id))

    def resolve(self, wanted: str) -> str:
        """An id, or an unambiguous prefix or suffix of one (the random tail is easiest to type)."""
        ids = self.ids()
        if wanted in ids:
            return wanted
        matches = [i for i in ids if i.startswith(wanted) or i.endswith(wanted)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise KeyError(f"no snapshot {wanted!r} (guardsh undo --list shows them)")
        raise KeyError(f"{wanted!r} matches {len(matches)} snapshots: {', '.join(matches)}")

    def remove(self, snapshot_id: str) -> None:
        """Make it disappear from the list at once, then delete its files."""
        trash = os.path.join(self.root, f"{TRASH_PREFIX}{snapshot_id}-{secrets.token_hex(2)}")
        os.rename(self.path(snapshot_id), trash)
        shutil.rmtree(trash, ignore_errors=True)

    def sweep_leftovers(self, now: float | None = None) -> None:
        """Remove the staging and trash directories that a killed guardsh left."""
        now = time.time() if now is None else now
        try:
            names = os.listdir(self.root)
        except FileNotFoundError:
            return
        for name in names:
            full = os.path.join(self.root, name)
            if name.startswith(TRASH_PREFIX):
                shutil.rmtree(full, ignore_errors=True)
            elif name.startswith(STAGING_PREFIX):
                try:
                    if now - os.lstat(full).st_mtime > STALE_STAGING_SECONDS:
                        shutil.rmtree(full, ignore_errors=True)
                except OSError:
                    pass


def prune_choice(manifests: list[Manifest], settings: Settings, now: float) -> list[Manifest]:
    """Which snapshots to delete: all older than the retention period, then the
    oldest until the rest fit in the total size. Pure, so it is tested alone."""
    oldest_kept = now - settings.retention_days * 86400
    doomed = [m for m in manifests if m.time < oldest_kept]
    rest = sorted((m for m in manifests if m.time >= oldest_kept), key=lambda m: (m.time, m.id))
    total = sum(m.bytes for m in rest)
    while rest and total > settings.total_bytes:
        oldest = rest.pop(0)
        doomed.append(oldest)
        total -= oldest.bytes
    return doomed


def write_file_atomically(path: str, text: str) -> None:
    tmp = f"{path}.tmp-{secrets.token_hex(3)}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def fsync_dir(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
