"""Keep a git repository's local state before a line discards it, as commits
under refs/guardsh/undo/ID/ in the repository itself.

What is kept (the refs name it):
  head       the commit HEAD pointed at (HEAD's branch name is in the manifest)
  index      a commit of the index as it was (staged changes)
  worktree   a commit of the tracked files as they are in the work tree
  untracked  a commit of the untracked (and, for `git clean -x`, ignored) files
             the line would remove, build output excepted
  stash/N    every stash entry;  branch/NAME  every local branch tip

Only plumbing on temporary index files (GIT_INDEX_FILE): the repository's own
index, HEAD and work tree are not touched while keeping. Refs keep the objects
safe from gc without the reflog. What is not kept, and therefore not keepable:
an index with merge conflicts and a merge/rebase/cherry-pick in progress (its
state files are not restored), and nested repositories that `git clean -ff`
would remove. Index flags (intent-to-add, skip-worktree) and timestamps of
restored files are not restored; content and modes (644/755/symlink) are."""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import Callable

from .errors import Deadline, SnapshotError, Unkeepable

UNTRACKED_MODES = ("none", "untracked", "ignored", "all")
REFS_ROOT = "refs/guardsh/undo"
IN_PROGRESS = {"MERGE_HEAD": "a merge", "CHERRY_PICK_HEAD": "a cherry-pick", "REVERT_HEAD": "a revert",
               "rebase-merge": "a rebase", "rebase-apply": "a rebase or am", "BISECT_LOG": "a bisect"}
_IDENTITY = {"GIT_AUTHOR_NAME": "guardsh", "GIT_AUTHOR_EMAIL": "guardsh@localhost",
             "GIT_COMMITTER_NAME": "guardsh", "GIT_COMMITTER_EMAIL": "guardsh@localhost"}


@dataclass(frozen=True)
class GitTarget:
    """What a git line would discard in the repository holding `repo`.

    worktree:  HEAD, index and tracked changes (reset --hard, checkout -- f, restore, switch -f)
    untracked: which untracked files it removes: "none", "untracked" (clean -fd),
               "ignored" (clean -fdX) or "all" (clean -fdx)
    pathspecs: limit the untracked files to these (git clean -fd build/ docs/)
    stash, branches: stash entries (stash drop/clear), local branch tips (branch -D/-f)
    regenerable(absolute path): build output that need not be kept."""

    repo: str
    worktree: bool = True
    untracked: str = "none"
    pathspecs: tuple[str, ...] = ()
    stash: bool = False
    branches: bool = False
    regenerable: Callable[[str], bool] | None = field(default=None, compare=False)

    def __post_init__(self):
        if self.untracked not in UNTRACKED_MODES:
            raise ValueError(f"untracked must be one of {UNTRACKED_MODES}, not {self.untracked!r}")


class GitFailed(Exception):
    pass


def _env(index_file: str | None = None) -> dict:
    # The line's own GIT_DIR/GIT_INDEX_FILE/GIT_WORK_TREE must not redirect guardsh's reads.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(_IDENTITY, GIT_TERMINAL_PROMPT="0", LC_ALL="C", GIT_OPTIONAL_LOCKS="0")
    if index_file:
        env["GIT_INDEX_FILE"] = index_file
    return env


def git(cwd: str, *args: str, index: str | None = None, stdin: bytes | None = None,
        deadline: Deadline | None = None, check: bool = True) -> str:
    timeout = deadline.remaining() if deadline else 60
    try:
        result = subprocess.run(["git", "-c", "gc.auto=0", "-c", "core.fsmonitor=false", *args],
                                cwd=cwd, env=_env(index), input=stdin, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise SnapshotError(f"timed out running git {args[0]}") from None
    except FileNotFoundError:
        raise GitFailed("git is not installed") from None
    if check and result.returncode != 0:
        raise GitFailed(f"git {' '.join(args[:2])}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Repo:
    toplevel: str
    git_dir: str


def find_repo(path: str) -> Repo | Unkeepable:
    where = path if os.path.isdir(path) else os.path.dirname(path) or "."
    try:
        inside = git(where, "rev-parse", "--is-inside-work-tree", check=False).strip()
        if inside != "true":
            return Unkeepable(f"{path} is not inside a git work tree")
        top = git(where, "rev-parse", "--show-toplevel").strip()
        git_dir = git(where, "rev-parse", "--absolute-git-dir").strip()
    except GitFailed as e:
        return Unkeepable(str(e))
    return Repo(top, git_dir)


def survey(target: GitTarget, settings) -> dict | Unkeepable:
    """Everything plan() must know before saying yes: state that cannot be kept, sizes, limits."""
    repo = find_repo(target.repo)
    if isinstance(repo, Unkeepable):
        return repo
    for name, what in IN_PROGRESS.items():
        if os.path.exists(os.path.join(repo.git_dir, name)):
            return Unkeepable(f"{what} is in progress in {repo.toplevel}; guardsh does not keep its state")
    try:
        if target.worktree and git(repo.toplevel, "ls-files", "--unmerged"):
            return Unkeepable(f"the index of {repo.toplevel} has unresolved merge conflicts")
        untracked = _untracked_files(repo, target)
    except GitFailed as e:
        return Unkeepable(str(e))
    if isinstance(untracked, Unkeepable):
        return untracked
    files, size = len(untracked), sum(st.st_size for _, st in untracked)
    if target.worktree:
        # Changed tracked files are hashed into the object store: they count toward the limits too.
        try:
            modified = [n for n in git(repo.toplevel, "ls-files", "-m", "-z").split("\0") if n]
        except GitFailed as e:
            return Unkeepable(str(e))
        for name in modified:
            st = _lstat_or_none(os.path.join(repo.toplevel, name))
            if st is not None:
                files, size = files + 1, size + st.st_size
    if files > settings.max_files:
        return Unkeepable(f"{files} changed or untracked files to keep, "
                          f"over the limit of {settings.max_files} (max_files)")
    limit = min(settings.max_bytes, settings.total_bytes)
    if size > limit:
        return Unkeepable(f"{size} bytes of changed or untracked files to keep, over the limit of {limit} (max_bytes)")
    return {"repo": repo, "untracked": untracked, "bytes": size, "files": files}


def _untracked_files(repo: Repo, target: GitTarget):
    """(path relative to the top, lstat) of each untracked file the line would remove."""
    if target.untracked == "none":
        return []
    listings = []
    if target.untracked in ("untracked", "all"):
        listings.append(["--exclude-standard"])
    if target.untracked in ("ignored", "all"):
        listings.append(["--ignored", "--exclude-standard"])
    names: set[str] = set()
    specs = ["--", *target.pathspecs] if target.pathspecs else []
    for extra in listings:
        out = git(repo.toplevel, "ls-files", "-z", "--others", *extra, *specs)
        names.update(n for n in out.split("\0") if n)
    found = []
    for name in sorted(names):
        full = os.path.join(repo.toplevel, name)
        if target.regenerable and target.regenerable(full):
            continue
        if name.endswith("/"):
            # ls-files shows a nested repository as a directory; plain `clean -fd` leaves it alone.
            continue
        try:
            st = os.lstat(full)
        except FileNotFoundError:
            continue
        found.append((name, st))
    return found


def keep(target: GitTarget, snapshot_id: str, settings, deadline: Deadline) -> dict:
    """Record the repository's state as commits under refs/guardsh/undo/ID/; return the manifest part.
    On failure the refs made so far are deleted before SnapshotError is raised."""
    facts = survey(target, settings)
    if isinstance(facts, Unkeepable):
        raise SnapshotError(facts.reason)
    repo: Repo = facts["repo"]
    prefix = f"{REFS_ROOT}/{snapshot_id}"
    try:
        return _keep(target, repo, facts, prefix, deadline)
    except GitFailed as e:
        delete_refs(repo.toplevel, prefix)
        raise SnapshotError(str(e)) from e
    except BaseException:
        delete_refs(repo.toplevel, prefix)
        raise


def _keep(target: GitTarget, repo: Repo, facts: dict, prefix: str, deadline: Deadline) -> dict:
    top = repo.toplevel
    head_commit = git(top, "rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).strip() or None
    head_ref = git(top, "symbolic-ref", "-q", "HEAD", check=False).strip() or None
    refs: dict[str, str] = {}
    part: dict = {"kind": "git", "toplevel": top, "git_dir": repo.git_dir, "refs_prefix": prefix,
                  "aspects": {"worktree": target.worktree, "untracked": target.untracked,
                              "stash": target.stash, "branches": target.branches},
                  "head": {"commit": head_commit, "ref": head_ref}}
    if head_commit:
        refs["head"] = head_commit
    kept = []
    with tempfile.TemporaryDirectory(prefix="guardsh-git-") as tmp:
        if target.worktree:
            real_index = os.path.join(repo.git_dir, "index")
            index_copy, worktree_index = os.path.join(tmp, "index"), os.path.join(tmp, "worktree")
            for copy in (index_copy, worktree_index):
                if os.path.exists(real_index):
                    _copy(real_index, copy)
            deadline.check("recording the index")
            index_tree = git(top, "write-tree", index=index_copy, deadline=deadline).strip()
            deadline.check("recording the work tree")
            git(top, "add", "-u", "--", ":/", index=worktree_index, deadline=deadline)
            worktree_tree = git(top, "write-tree", index=worktree_index, deadline=deadline).strip()
            parents = ["-p", head_commit] if head_commit else []
            refs["index"] = _commit(top, index_tree, parents, f"guardsh undo: index", deadline)
            refs["worktree"] = _commit(top, worktree_tree, parents, f"guardsh undo: work tree", deadline)
            part.update(index_tree=index_tree, worktree_tree=worktree_tree)
            changed = git(top, "diff", "--name-only", "-z", head_commit or _empty_tree(top),
                          worktree_tree, deadline=deadline).split("\0")
            kept.append(f"HEAD {(head_ref or 'detached').removeprefix('refs/heads/')}"
                        f"{' ' + head_commit[:10] if head_commit else ' (no commit yet)'}, index, "
                        f"{len([c for c in changed if c])} changed tracked file(s)")
        untracked = facts["untracked"]
        part["untracked_tree"] = None
        if target.untracked != "none":
            untracked_index = os.path.join(tmp, "untracked")
            listing = b"".join(os.fsencode(name) + b"\0" for name, _ in untracked)
            git(top, "update-index", "--add", "-z", "--stdin", index=untracked_index, stdin=listing,
                deadline=deadline)
            for name, before in untracked:
                after = _lstat_or_none(os.path.join(top, name))
                if after is None or _fingerprint(after) != _fingerprint(before):
                    raise SnapshotError(f"{os.path.join(top, name)} changed while it was being kept")
            tree = git(top, "write-tree", index=untracked_index, deadline=deadline).strip()
            refs["untracked"] = _commit(top, tree, [], "guardsh undo: untracked files", deadline)
            part["untracked_tree"] = tree
            kept.append(f"{len(untracked)} untracked file(s)")
        if target.stash:
            stash = _stash_entries(top)
            part["stash"] = stash
            for n, entry in enumerate(stash):
                refs[f"stash/{n}"] = entry["commit"]
            kept.append(f"{len(stash)} stash entr{'y' if len(stash) == 1 else 'ies'}")
        if target.branches:
            branches = _branches(top)
            part["branches"] = branches
            for name, sha in branches.items():
                refs[f"branch/{name}"] = sha
            kept.append(f"{len(branches)} branch tip(s)")
    transaction = "start\n" + "".join(f"create {prefix}/{k} {v}\n" for k, v in refs.items()) + "commit\n"
    git(top, "update-ref", "--stdin", stdin=transaction.encode(), deadline=deadline)
    part["refs"] = {k: f"{prefix}/{k}" for k in refs}
    part["files"] = facts["files"]
    part["bytes"] = facts["bytes"]
    part["kept"] = f"git {top}: " + "; ".join(kept)
    return part


def _commit(top: str, tree: str, parents: list[str], message: str, deadline: Deadline) -> str:
    return git(top, "commit-tree", "--no-gpg-sign", tree, *parents, "-m", message, deadline=deadline).strip()


def _empty_tree(top: str) -> str:
    return git(top, "hash-object", "-t", "tree", "/dev/null").strip()


def _copy(src: str, dst: str) -> None:
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(1 << 20):
            fout.write(chunk)


def _lstat_or_none(path: str):
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _fingerprint(st: os.stat_result) -> tuple:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_mode)


def _stash_entries(top: str) -> list[dict]:
    """Newest first, as `git stash list` shows them."""
    if not git(top, "rev-parse", "-q", "--verify", "refs/stash", check=False).strip():
        return []
    out = git(top, "log", "-g", "-z", "--format=%H%x09%gs", "refs/stash", "--")
    entries = []
    for record in out.split("\0"):
        if record.strip():
            sha, _, message = record.strip("\n").partition("\t")
            entries.append({"commit": sha, "message": message})
    return entries


def _branches(top: str) -> dict[str, str]:
    out = git(top, "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads/")
    branches = {}
    for line in out.splitlines():
        sha, _, ref = line.partition(" ")
        branches[ref.removeprefix("refs/heads/")] = sha
    return branches


def delete_refs(top: str, prefix: str) -> None:
    try:
        out = git(top, "for-each-ref", "--format=%(refname)", f"{prefix}/")
        lines = "".join(f"delete {ref}\n" for ref in out.split())
        if lines:
            git(top, "update-ref", "--stdin", stdin=lines.encode())
    except (GitFailed, SnapshotError, OSError):
        pass


# --- restore -----------------------------------------------------------------------------

def tree_paths(top: str, tree: str | None) -> list[str]:
    if not tree:
        return []
    out = git(top, "ls-tree", "-r", "-z", "--name-only", "--full-tree", tree)
    return [p for p in out.split("\0") if p]


def restore_overwrites(part: dict) -> tuple[GitTarget, list[str]]:
    """What restoring `part` would overwrite, to be kept first: the repository's
    current state (same aspects) and the paths the restore writes that the
    current index does not track (recorded even when absent, so that undoing
    the undo removes them again)."""
    top = part["toplevel"]
    aspects = part["aspects"]
    target = GitTarget(top, worktree=aspects["worktree"], untracked="none",
                       stash=aspects["stash"], branches=aspects["branches"])
    if not aspects["worktree"] and not part.get("untracked_tree"):
        return target, []
    tracked_now = set(git(top, "ls-files", "-z").split("\0"))
    written = set(tree_paths(top, part.get("worktree_tree"))) | set(tree_paths(top, part.get("untracked_tree")))
    return target, [os.path.join(top, p) for p in sorted(written - tracked_now)]


def restore(part: dict, deadline: Deadline) -> str:
    top = part["toplevel"]
    if not os.path.isdir(top):
        raise SnapshotError(f"the repository {top} is gone")
    repo = find_repo(top)
    if isinstance(repo, Unkeepable) or os.path.realpath(repo.git_dir) != os.path.realpath(part["git_dir"]):
        raise SnapshotError(f"{top} is no longer the repository this snapshot was taken in")
    try:
        return _restore(part, top, deadline)
    except GitFailed as e:
        raise SnapshotError(f"restoring {top}: {e}") from e


def _restore(part: dict, top: str, deadline: Deadline) -> str:
    aspects = part["aspects"]
    done = []
    if aspects["worktree"]:
        tracked_now = set(git(top, "ls-files", "-z").split("\0"))
        # Untracked paths the restore writes: the restore's own snapshot kept them; clear the way.
        for rel in sorted(set(tree_paths(top, part["worktree_tree"])) - tracked_now):
            _remove(os.path.join(top, rel))
        head = part["head"]
        if head["ref"]:
            git(top, "symbolic-ref", "HEAD", head["ref"])
            if head["commit"]:
                git(top, "update-ref", head["ref"], head["commit"])
        elif head["commit"]:
            git(top, "update-ref", "--no-deref", "HEAD", head["commit"])
        deadline.check("restoring the work tree")
        git(top, "read-tree", "--reset", "-u", part["worktree_tree"], deadline=deadline)
        git(top, "read-tree", part["index_tree"], deadline=deadline)
        git(top, "update-index", "-q", "--refresh", check=False, deadline=deadline)
        done.append("HEAD, index and work tree")
    if part.get("untracked_tree"):
        paths = tree_paths(top, part["untracked_tree"])
        for rel in paths:
            _remove(os.path.join(top, rel))
        with tempfile.TemporaryDirectory(prefix="guardsh-git-") as tmp:
            index = os.path.join(tmp, "untracked")
            git(top, "read-tree", part["untracked_tree"], index=index, deadline=deadline)
            git(top, "checkout-index", "-a", "-f", index=index, deadline=deadline)
        done.append(f"{len(paths)} untracked file(s)")
    if aspects["stash"]:
        _restore_stash(top, part["stash"])
        done.append(f"{len(part['stash'])} stash entries")
    if aspects["branches"]:
        done.append(_restore_branches(top, part["branches"]))
    return f"git {top}: " + ", ".join(done)


def _remove(path: str) -> None:
    import shutil

    if os.path.islink(path) or os.path.isfile(path):
        os.unlink(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


def _restore_stash(top: str, entries: list[dict]) -> None:
    """Rebuild the stash list exactly as kept (entries stashed since are in the restore's own snapshot)."""
    if [e["commit"] for e in _stash_entries(top)] == [e["commit"] for e in entries]:
        return
    git(top, "update-ref", "-d", "refs/stash")
    for entry in reversed(entries):  # oldest first: each store pushes on top
        git(top, "stash", "store", "-m", entry["message"], entry["commit"])


def _restore_branches(top: str, branches: dict[str, str]) -> str:
    """Make the local branches exactly as kept: recreate deleted ones, move moved
    ones back, delete ones made since (the restore's own snapshot holds them).
    A branch checked out in some work tree is left alone: moving it would desync that work tree."""
    out = git(top, "worktree", "list", "--porcelain")
    checked_out = {line.split(" ", 1)[1].removeprefix("refs/heads/")
                   for line in out.splitlines() if line.startswith("branch ")}
    now = _branches(top)
    changed = [name for name, sha in branches.items() if now.get(name) != sha and name not in checked_out]
    extra = [name for name in now if name not in branches and name not in checked_out]
    lines = "".join(f"update refs/heads/{name} {branches[name]}\n" for name in changed)
    lines += "".join(f"delete refs/heads/{name}\n" for name in extra)
    if lines:
        git(top, "update-ref", "--stdin", stdin=lines.encode())
    return f"{len(changed) + len(extra)} branch(es) {', '.join(changed + extra)}".rstrip()
