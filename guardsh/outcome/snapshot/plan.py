"""The snapshot engine's API: plan what a line would destroy, take the
snapshot, restore it, list and prune.

    p = plan([GitTarget("/repo", untracked="untracked"), PathsTarget(("build.cfg",), "overwrite")])
    if not p:                      # Unkeepable: p.reason says why; the gate confirms instead
        ...
    snap = take(p, command, cwd)   # Snapshot, or SnapshotError with nothing left behind
    print(snap.summary())          # one line for the agent's stderr
    restore(snap.id)               # Restored; keeps what it overwrites as a new snapshot

plan() only reads (it walks the trees and asks git), so it is what
`check --json` calls; take() does the work again with fresh eyes, because the
files may have changed in between."""

from __future__ import annotations

import errno
import os
import time
from dataclasses import dataclass

from . import files as files_mod
from . import git as git_mod
from . import sqlite as sqlite_mod
from .errors import Deadline, SnapshotError, Unkeepable
from .files import PathsTarget
from .git import GitTarget
from .sqlite import SqliteTarget
from .store import Manifest, Settings, Store, new_id, prune_choice


def _postgres():
    from . import postgres  # lazily: it is rarely needed

    return postgres


@dataclass(frozen=True)
class Plan:
    """Everything can be kept: what and roughly how much."""

    targets: tuple
    bytes: int
    files: int
    kept: tuple[str, ...]             # one line per target, for check --json and the prompt

    def __bool__(self) -> bool:
        return True

    def record(self) -> dict:
        return {"keep": list(self.kept), "bytes": self.bytes, "files": self.files}


@dataclass(frozen=True)
class Snapshot:
    manifest: Manifest
    path: str

    @property
    def id(self) -> str:
        return self.manifest.id

    def summary(self) -> str:
        """The one line the agent reads on stderr."""
        return (f"guardsh: kept a copy first ({'; '.join(self.manifest.kept)}); "
                f"to bring it back: guardsh undo {self.id}")

    def record(self) -> dict:
        """For the audit log."""
        m = self.manifest
        return {"event": "snapshot", "snapshot": m.id, "kinds": m.kinds, "kept": m.kept,
                "bytes": m.bytes, "files": m.files}


@dataclass(frozen=True)
class Restored:
    id: str
    restored: tuple[str, ...]
    kept_current: Snapshot | None     # what the restore overwrote, itself undoable

    def summary(self) -> str:
        line = f"guardsh: restored snapshot {self.id}: {'; '.join(self.restored)}"
        if self.kept_current:
            line += f"; what it replaced is kept: guardsh undo {self.kept_current.id}"
        return line

    def record(self) -> dict:
        return {"event": "undo", "snapshot": self.id, "restored": list(self.restored),
                "kept_current_as": self.kept_current.id if self.kept_current else None}


def plan(targets, settings: Settings | None = None) -> Plan | Unkeepable:
    """Can everything the targets describe be kept completely, within the limits?"""
    settings = settings or Settings()
    targets = tuple(targets)
    if not targets:
        return Unkeepable("nothing to keep was named")
    total_bytes = total_files = 0
    kept = []
    for target in targets:
        if isinstance(target, GitTarget):
            facts = git_mod.survey(target, settings)
            if isinstance(facts, Unkeepable):
                return facts
            size, count = facts["bytes"], facts["files"]
            kept.append(f"git state of {facts['repo'].toplevel}" +
                        (f" with {count} changed or untracked file(s)" if count else ""))
        elif isinstance(target, PathsTarget):
            found = files_mod.scan(target)
            if isinstance(found, Unkeepable):
                return found
            over = files_mod.check_limits(found, settings)
            if over is not None:
                return over
            size, count = found.bytes, found.files
            kept.append(f"{count} path(s), {files_mod.human_bytes(size)} "
                        f"({'copied' if target.mode == files_mod.OVERWRITE else 'by hard link where possible'})")
        elif isinstance(target, SqliteTarget):
            facts = sqlite_mod.survey(target, settings)
            if isinstance(facts, Unkeepable):
                return facts
            size, count = facts["bytes"], 1
            kept.append(f"SQLite database {facts['path']}")
        elif isinstance(target, _postgres().PostgresTarget):
            facts = _postgres().survey(target, settings)
            if isinstance(facts, Unkeepable):
                return facts
            size, count = facts["bytes"], 1
            kept.append(facts["describe"])
        else:
            return Unkeepable(f"guardsh does not know how to keep {type(target).__name__}")
        total_bytes += size
        total_files += count
    if total_files > settings.max_files:
        return Unkeepable(f"{total_files} files to keep, over the limit of {settings.max_files} (max_files)")
    limit = min(settings.max_bytes, settings.total_bytes)
    if total_bytes > limit:
        return Unkeepable(f"{files_mod.human_bytes(total_bytes)} to keep, over the limit of "
                          f"{files_mod.human_bytes(limit)} (max_bytes)")
    return Plan(targets, total_bytes, total_files, tuple(kept))


def take(planned: Plan, command: str, cwd: str, settings: Settings | None = None,
         store: Store | None = None, housekeeping: bool = True) -> Snapshot:
    """Keep everything the plan names, or raise SnapshotError and leave nothing:
    no snapshot directory, no refs/guardsh/undo/ID refs."""
    settings = settings or Settings()
    store = store or Store()
    if not isinstance(planned, Plan):
        raise SnapshotError(getattr(planned, "reason", "nothing keepable was planned"))
    snapshot_id = new_id()
    deadline = Deadline(settings.timeout_seconds)
    try:
        staging = store.begin(snapshot_id)
        store_dev = os.stat(staging).st_dev
    except OSError as e:
        raise SnapshotError(_os_error("creating the snapshot directory", store.root, e)) from e
    parts: list[dict] = []
    try:
        for index, target in enumerate(planned.targets):
            deadline.check("keeping a copy")
            if isinstance(target, GitTarget):
                parts.append(git_mod.keep(target, snapshot_id, settings, deadline))
            elif isinstance(target, PathsTarget):
                dest = os.path.join(staging, f"part{index}")
                os.mkdir(dest, 0o700)
                part = files_mod.keep(target, dest, store_dev, settings, deadline)
                part["dir"] = f"part{index}"
                parts.append(part)
            elif isinstance(target, SqliteTarget):
                parts.append(sqlite_mod.keep(target, staging, index, settings, deadline))
            else:
                parts.append(_postgres().keep(target, staging, index, settings, deadline))
        size = sum(p["bytes"] for p in parts)
        count = sum(p["files"] for p in parts)
        if count > settings.max_files or size > min(settings.max_bytes, settings.total_bytes):
            raise SnapshotError(f"the files grew past the limits while they were kept ({count} files, {size} bytes)")
        manifest = Manifest(id=snapshot_id, time=time.time(), cwd=os.path.abspath(cwd), command=command,
                            kinds=sorted({p["kind"] for p in parts}), kept=[p["kept"] for p in parts],
                            bytes=size, files=count, parts=parts)
        final = store.commit(staging, manifest)
    except BaseException as e:
        store.abandon(staging)
        for part in parts:
            if part["kind"] == "git":
                git_mod.delete_refs(part["toplevel"], part["refs_prefix"])
        if isinstance(e, SnapshotError):
            raise
        if isinstance(e, OSError):
            raise SnapshotError(_os_error("keeping a copy", store.root, e)) from e
        raise
    snapshot = Snapshot(manifest, final)
    if not housekeeping:
        return snapshot
    try:
        prune(settings, store, spare=snapshot_id)
    except OSError:
        pass  # housekeeping never fails a snapshot that was taken
    return snapshot


def restore(wanted: str, settings: Settings | None = None, store: Store | None = None,
            keep_current: bool = True) -> Restored:
    """Put back what snapshot `wanted` kept. First keeps what the restore will
    overwrite as a new snapshot (unless keep_current is False), so an undo is undoable."""
    settings = settings or Settings()
    store = store or Store()
    try:
        snapshot_id = store.resolve(wanted)
        manifest = store.load(snapshot_id)
    except (KeyError, OSError, ValueError) as e:
        raise SnapshotError(e.args[0] if isinstance(e, KeyError) else f"cannot read snapshot {wanted}: {e}") from e
    _check_git_stores(manifest)
    kept_current = None
    if keep_current:
        targets = _restore_targets(manifest)
        planned = plan(targets, settings) if targets else None
        if isinstance(planned, Unkeepable):
            raise SnapshotError(f"cannot keep what the restore would overwrite ({planned.reason}); "
                                f"guardsh undo --force {snapshot_id} restores without keeping it")
        if planned:
            kept_current = take(planned, f"guardsh undo {snapshot_id}", os.getcwd(), settings, store,
                                housekeeping=False)  # pruning now could delete the one being restored
    deadline = Deadline(settings.timeout_seconds)
    restored = []
    snapshot_dir = store.path(snapshot_id)
    try:
        for part in _restore_order(manifest.parts):
            if part["kind"] == "git":
                restored.append(git_mod.restore(part, deadline))
            elif part["kind"] == "files":
                paths = files_mod.restore(part, os.path.join(snapshot_dir, part["dir"]), deadline)
                restored.append(f"{len(paths)} path(s): {files_mod._names(paths)}")
            elif part["kind"] == "sqlite":
                restored.append(sqlite_mod.restore(part, snapshot_dir, deadline))
            elif part["kind"] == "postgres":
                restored.append(_postgres().restore(part, snapshot_dir, settings, deadline))
    except (SnapshotError, OSError) as e:
        message = str(e) if isinstance(e, SnapshotError) else _os_error("restoring", snapshot_dir, e)
        if kept_current:
            message += f"; the state before this restore is kept: guardsh undo {kept_current.id}"
        raise SnapshotError(message) from e
    manifest.restores.append({"time": time.time(), "kept_current_as": kept_current.id if kept_current else None})
    try:
        store.save(manifest)
    except OSError:
        pass
    return Restored(snapshot_id, tuple(restored), kept_current)


def _restore_order(parts: list[dict]) -> list[dict]:
    # git first: it rewrites the work tree, and a files part may hold paths inside it.
    return sorted(parts, key=lambda p: {"git": 0, "files": 1, "sqlite": 2, "postgres": 3}.get(p["kind"], 9))


def _check_git_stores(manifest: Manifest) -> None:
    """A git snapshot lives in its repository (refs/guardsh/undo/ID): if the
    repository's git data or the snapshot's commits are gone, say which,
    before anything is touched."""
    for part in manifest.parts:
        if part["kind"] != "git" or not os.path.isdir(part["toplevel"]):
            continue  # git_mod.restore() says the repository is gone
        git_dir = part.get("git_dir") or os.path.join(part["toplevel"], ".git")
        if not os.path.exists(git_dir):
            raise SnapshotError(f"the git snapshot of {part['toplevel']} is gone: its git data {git_dir} "
                                "(where guardsh kept it, under refs/guardsh/undo/) no longer exists")
        for ref in (part.get("refs") or {}).values():
            try:
                git_mod.git(part["toplevel"], "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
            except git_mod.GitFailed:
                raise SnapshotError(f"the git snapshot of {part['toplevel']} is damaged: {ref} is missing "
                                    f"from {git_dir}") from None


def _restore_targets(manifest: Manifest) -> list:
    """What restoring `manifest` would overwrite, as targets for the restore's own snapshot."""
    targets: list = []
    for part in manifest.parts:
        if part["kind"] == "git":
            if not os.path.isdir(part["toplevel"]):
                continue  # restore() says the repository is gone
            try:
                target, written = git_mod.restore_overwrites(part)
            except git_mod.GitFailed as e:
                raise SnapshotError(f"cannot read the repository {part['toplevel']} to keep what the "
                                    f"restore overwrites: {e}") from None
            targets.append(target)
            if written:
                targets.append(PathsTarget(tuple(written), files_mod.UNLINK, record_absent=True))
        elif part["kind"] == "files":
            targets.append(PathsTarget(tuple(r["path"] for r in part["roots"]), files_mod.UNLINK,
                                       record_absent=True))
        elif part["kind"] == "sqlite":
            targets.append(SqliteTarget(part["path"]))
        elif part["kind"] == "postgres":
            targets.append(_postgres().restore_target(part))
    return targets


def list_snapshots(store: Store | None = None) -> list[Manifest]:
    """Oldest first."""
    return (store or Store()).manifests()


def prune(settings: Settings | None = None, store: Store | None = None, now: float | None = None,
          spare: str | None = None) -> list[str]:
    """Delete snapshots past the retention period, then the oldest until the rest
    fit the total size; `spare` (the one just taken) is never deleted. Returns the ids."""
    settings = settings or Settings()
    store = store or Store()
    now = time.time() if now is None else now
    store.sweep_leftovers(now)
    removed = []
    for manifest in prune_choice(store.manifests(), settings, now):
        if manifest.id == spare:
            continue
        delete(manifest, store)
        removed.append(manifest.id)
    return removed


def delete(manifest: Manifest, store: Store) -> None:
    for part in manifest.parts:
        if part["kind"] == "git" and os.path.isdir(part["toplevel"]):
            git_mod.delete_refs(part["toplevel"], part["refs_prefix"])
    store.remove(manifest.id)


def _os_error(doing: str, where: str, e: OSError) -> str:
    if e.errno == errno.ENOSPC:
        return f"disk full while {doing} ({where})"
    if e.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied on {e.filename or where} while {doing}"
    return f"{e.strerror or e} on {e.filename or where} while {doing}"
