"""The policy's `keep` (plain descriptions) turned into the snapshot engine's
targets, planned and taken. Imported only for a `snapshot` verdict, so the
allowed `-c` path never loads the engine.

    planned = plan_verdict(verdict, ruleset)          # Plan, or Unkeepable(reason)
    snap = keep_verdict(verdict, ruleset, command, cwd, budget)   # Snapshot, or the reason it failed
"""

from __future__ import annotations

import dataclasses
import glob
import os

from .. import paths
from ..model import Keep
from ..targets import classify
from .snapshot import (GitTarget, PathsTarget, Plan, PostgresTarget, Settings, Snapshot, SnapshotError,
                       SqliteTarget, Unkeepable, plan, take)
from .snapshot.files import OVERWRITE, UNLINK

_KEEPABLE = ("project", "data", "vcs")


def settings_of(ruleset, budget: float | None = None) -> Settings:
    """[settings.undo] (checked by the schema), with the time budget of the channel."""
    settings = Settings.from_mapping(dict(ruleset.settings.get("undo") or {}))
    if budget is not None and budget < settings.timeout_seconds:
        settings = dataclasses.replace(settings, timeout_seconds=budget)
    return settings


def targets_of(keeps: list[Keep]) -> list | Unkeepable:
    store = os.path.realpath(paths.undo_dir())
    out: list = []
    for keep in keeps:
        opts = keep.options
        if keep.kind == "git":
            out.append(GitTarget(keep.paths[0], worktree=True, untracked=opts["untracked"],
                                 pathspecs=tuple(opts["pathspecs"]), stash=True, branches=True,
                                 regenerable=_regenerable(opts["project"], opts["home"])))
        elif keep.kind in ("paths-unlink", "paths-overwrite"):
            found = _expand(keep)
            if isinstance(found, Unkeepable):
                return found
            for path in found:
                real = os.path.realpath(path)
                if store == real or store.startswith(real.rstrip("/") + "/"):
                    return Unkeepable(f"{path} holds guardsh's own snapshots")
            if found:
                out.append(PathsTarget(tuple(found), UNLINK if keep.kind == "paths-unlink" else OVERWRITE,
                                       regenerable=_regenerable(opts["project"], opts["home"])))
        elif keep.kind == "sqlite":
            out.append(SqliteTarget(keep.paths[0]))
        elif keep.kind == "postgres":
            out.append(PostgresTarget(opts["host"], opts["port"], opts["database"], opts.get("user"),
                                      tuple(opts["tables"]), tuple(opts["schemas"]), opts["whole_database"]))
        else:
            return Unkeepable(f"guardsh does not know how to keep {keep.kind!r}")
    if not out:
        return Unkeepable("none of what it would destroy exists, so there is nothing to keep")
    return _no_shared_inodes(out)


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _no_shared_inodes(targets: list) -> list | Unkeepable:
    """The engine's own check behind the policy's (policy/keep.py): a hard link
    keeps what an unlink destroys only if nothing writes the inode first, so an
    unlink target that overlaps another target of the line (an in-place
    overwrite, or a repository whose git command rewrites its work tree) is
    copied instead; and no path target may hold a git target's .git, where
    the git snapshot itself is kept."""
    repos = [os.path.realpath(t.repo) for t in targets if isinstance(t, GitTarget)]
    written = [p.rstrip("/") for t in targets if isinstance(t, PathsTarget) and t.mode == OVERWRITE
               for p in t.paths]
    out = []
    for t in targets:
        if isinstance(t, PathsTarget):
            roots = [p.rstrip("/") for p in t.paths]
            for root in roots:
                if any(".git" in root.split("/") and _inside(repo, os.path.dirname(root)) or _inside(repo, root)
                       for repo in repos):
                    return Unkeepable(f"{root} holds the git data where guardsh keeps the line's git snapshot")
            shared = any(_inside(r, w) or _inside(w, r) for r in roots for w in written) or \
                any(_inside(r, repo) for r in roots for repo in repos)
            if t.mode == UNLINK and shared:
                t = dataclasses.replace(t, mode=OVERWRITE)
        out.append(t)
    return out


def _expand(keep: Keep) -> list[str] | Unkeepable:
    """The paths as bash will name them: globs expanded (without dot files, as
    bash's default), each still inside the project and not build output."""
    project, home = os.path.realpath(keep.options["project"]), os.path.realpath(keep.options["home"])
    found: list[str] = []
    for path, is_glob in zip(keep.paths, keep.options["globs"]):
        for name in (sorted(glob.glob(path)) if is_glob else [path]):
            if keep.kind == "paths-overwrite" and not os.path.lexists(name):
                continue  # overwriting what is not there loses nothing
            if keep.kind == "paths-overwrite" and os.path.islink(name.rstrip("/")):
                # `> link` writes through it, `mv -f x link` replaces it: which
                # one the line does is not known here, so neither is kept.
                return Unkeepable(f"{name} is a symbolic link; guardsh cannot tell what overwriting it destroys")
            name = _physical(name)
            cls = classify(name, None, project, home)
            if cls == "artifact":
                continue
            if cls not in _KEEPABLE:
                return Unkeepable(f"{name} is outside what guardsh keeps ({cls})")
            found.append(name)
    return found


def _physical(path: str) -> str:
    """The path as the kernel will resolve it: `node_modules/../src` goes through
    node_modules even when it is a link elsewhere. The last name is not followed
    (rm -rf LINK removes the link), unless a trailing slash says to (LINK/)."""
    slash = path.endswith("/")
    trimmed = path.rstrip("/") or "/"
    real = os.path.join(os.path.realpath(os.path.dirname(trimmed)), os.path.basename(trimmed))
    return real + "/" if slash else real


def _regenerable(project: str, home: str):
    return lambda path: classify(path, None, project, home) == "artifact"


def plan_verdict(verdict, ruleset, budget: float | None = None) -> Plan | Unkeepable:
    """What keeping the verdict's `keep` would hold, or why it cannot (reads only)."""
    settings = settings_of(ruleset, budget)
    targets = targets_of(verdict.keep)
    if isinstance(targets, Unkeepable):
        return targets
    try:
        return plan(targets, settings)
    except Exception as e:  # noqa: BLE001 - whatever fails, the line is asked about as before
        return Unkeepable(f"planning the copy failed: {e}")


def keep_verdict(verdict, ruleset, command: str, cwd: str | None,
                 budget: float | None = None) -> Snapshot | Unkeepable:
    """Keep it all or nothing: a Snapshot, or why not (nothing half written is left)."""
    settings = settings_of(ruleset, budget)
    planned = plan_verdict(verdict, ruleset, budget)
    if not isinstance(planned, Plan):
        return planned
    try:
        return take(planned, command, cwd or os.getcwd(), settings)
    except SnapshotError as e:
        return Unkeepable(str(e))
    except Exception as e:  # noqa: BLE001 - take() removed what it wrote; ask as before
        return Unkeepable(f"keeping the copy failed ({type(e).__name__}: {e})")
