"""Keep files and directories before a line deletes or overwrites them.

Two ways to keep a file, chosen per file:
- a hard link, when the line only unlinks (rm, rm -rf, mv over it, git clean
  of a path) and the store is on the same filesystem: O(files), no data copied,
  and the inode keeps content, mode, owner and timestamps by itself;
- a copy (a reflink where the filesystem has one) when the line overwrites in
  place (`>`, truncate, dd of=, sed -i on some systems): a hard link shares the
  inode, so the "kept" file would be overwritten with the original.

Content, mode, owner (when we can), symlinks, timestamps (ns) and hard-link
groups inside the tree are kept. Devices, sockets and FIFOs are not: a tree
holding one is not keepable. After the copy every path is stat'ed again, and a
file that changed under the copy (inode, size, mtime, mode) or a tree that
gained or lost an entry fails the snapshot: a copy taken mid-write is not an
undo."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from typing import Callable, Iterator

from .errors import Deadline, SnapshotError, Unkeepable

UNLINK = "unlink"
OVERWRITE = "overwrite"
MODES = (UNLINK, OVERWRITE)

FICLONE = 0x40049409  # linux/fs.h _IOW(0x94, 9, int)


@dataclass(frozen=True)
class PathsTarget:
    """Paths a line will delete (mode "unlink") or overwrite in place ("overwrite").
    `regenerable(path)` marks build output that need not be kept (node_modules, target/)."""

    paths: tuple[str, ...]
    mode: str = UNLINK
    regenerable: Callable[[str], bool] | None = None
    # Also record paths that do not exist, so a restore removes what is there by then
    # (a restore's own snapshot needs it: undoing the undo removes the files it wrote).
    record_absent: bool = False

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")


@dataclass(frozen=True)
class Entry:
    """One path inside a kept root, as it was when scanned."""

    rel: str          # "" for the root itself
    kind: str         # "file" | "dir" | "symlink"
    st: os.stat_result

    def fingerprint(self) -> tuple:
        # ctime is left out on purpose: making a hard link changes it.
        st = self.st
        return (self.rel, self.kind, st.st_ino, st.st_size, st.st_mtime_ns, st.st_mode, st.st_uid, st.st_gid)


@dataclass(frozen=True)
class Scan:
    roots: tuple[tuple[str, tuple[Entry, ...]], ...]   # (absolute path, entries) ; no entries = absent
    files: int
    bytes: int


def normalise_roots(paths) -> list[str]:
    """Absolute paths, without duplicates and without any path inside another one.
    `link/` (a trailing slash on a symlink to a directory) names the directory:
    `rm -rf link/` empties the directory and leaves the link."""
    absolute = set()
    for p in paths:
        path = os.path.abspath(p)
        if p.endswith(("/", "/.")) and os.path.islink(path):
            path = os.path.realpath(path)
        absolute.add(path)
    absolute = sorted(absolute)
    roots: list[str] = []
    for path in absolute:
        if not any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots):
            roots.append(path)
    return roots


def scan(target: PathsTarget, deadline: Deadline | None = None) -> Scan | Unkeepable:
    """Walk every root without following symlinks; Unkeepable for what cannot be kept."""
    roots = []
    files = size = 0
    for root in normalise_roots(target.paths):
        if target.regenerable and target.regenerable(root):
            continue
        try:
            entries = tuple(_walk(root, target.regenerable, deadline))
        except FileNotFoundError:
            entries = ()
            if target.record_absent:
                # The highest missing ancestor: removing it on restore also removes the
                # directories that were created to hold the path.
                root = _highest_missing(root)
                if any(root == r or root.startswith(r.rstrip("/") + "/") for r, _ in roots):
                    continue
        except _Special as special:
            return Unkeepable(f"{special.path} is a {special.what}, which guardsh cannot keep")
        except PermissionError as e:
            return Unkeepable(f"cannot read {e.filename}: permission denied")
        except OSError as e:
            return Unkeepable(f"cannot read {e.filename or root}: {e.strerror or e}")
        if not entries and target.mode == UNLINK and not target.record_absent:
            continue  # deleting what is not there loses nothing
        roots.append((root, entries))
        files += len(entries)
        size += sum(e.st.st_size for e in entries if e.kind == "file")
    return Scan(tuple(roots), files, size)


def _highest_missing(path: str) -> str:
    while True:
        parent = os.path.dirname(path)
        if parent == path or os.path.lexists(parent):
            return path
        path = parent


class _Special(Exception):
    def __init__(self, path: str, what: str):
        self.path, self.what = path, what


def _kind(st: os.stat_result, path: str) -> str:
    if stat.S_ISREG(st.st_mode):
        return "file"
    if stat.S_ISDIR(st.st_mode):
        return "dir"
    if stat.S_ISLNK(st.st_mode):
        return "symlink"
    what = ("FIFO" if stat.S_ISFIFO(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode)
            else "device file")
    raise _Special(path, what)


def _walk(root: str, regenerable, deadline: Deadline | None) -> Iterator[Entry]:
    st = os.lstat(root)
    yield Entry("", _kind(st, root), st)
    if not stat.S_ISDIR(st.st_mode):
        return
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        if deadline:
            deadline.check("reading the files to keep")
        with os.scandir(os.path.join(root, rel_dir) if rel_dir else root) as it:
            children = sorted(it, key=lambda d: d.name)
        for child in children:
            rel = f"{rel_dir}/{child.name}" if rel_dir else child.name
            if regenerable and regenerable(child.path):
                continue
            cst = child.stat(follow_symlinks=False)
            entry = Entry(rel, _kind(cst, child.path), cst)
            yield entry
            if entry.kind == "dir":
                stack.append(rel)


def check_limits(found: Scan, settings) -> Unkeepable | None:
    if found.files > settings.max_files:
        return Unkeepable(f"{found.files} files to keep, over the limit of {settings.max_files} (max_files)")
    limit = min(settings.max_bytes, settings.total_bytes)
    if found.bytes > limit:
        return Unkeepable(f"{human_bytes(found.bytes)} to keep, over the limit of {human_bytes(limit)} (max_bytes)")
    return None


def keep(target: PathsTarget, dest: str, store_dev: int, settings, deadline: Deadline) -> dict:
    """Keep every root of `target` under `dest` (a fresh directory); return the manifest part.
    Raises SnapshotError (the caller removes `dest`) or returns after verifying nothing moved."""
    found = scan(target, deadline)
    if isinstance(found, Unkeepable):
        raise SnapshotError(found.reason)
    over = check_limits(found, settings)
    if over is not None:
        raise SnapshotError(over.reason)
    roots = []
    counts = {"link": 0, "copy": 0, "reflink": 0}
    for index, (root, entries) in enumerate(found.roots):
        stored_rel = os.path.join("files", str(index), "item")
        if not entries:
            roots.append({"path": root, "stored": None, "type": "absent"})
            continue
        os.makedirs(os.path.join(dest, "files", str(index)), mode=0o700)
        link_allowed = target.mode == UNLINK and entries[0].st.st_dev == store_dev
        try:
            _materialise(root, entries, os.path.join(dest, stored_rel), link_allowed, counts, deadline)
        except SnapshotError:
            raise
        except OSError as e:
            raise SnapshotError(_describe_os_error(e, "keeping", root)) from e
        _verify_unchanged(root, entries, target.regenerable)
        roots.append({"path": root, "stored": stored_rel, "type": entries[0].kind})
    how = ", ".join(f"{n} by {'hard link' if k == 'link' else k}" for k, n in counts.items() if n)
    present = [r["path"] for r in roots if r["type"] != "absent"]
    absent = [r["path"] for r in roots if r["type"] == "absent"]
    kept = []
    if present:
        kept.append(f"{found.files} file(s) and dir(s), {human_bytes(found.bytes)} under {_names(present)}"
                    + (f" ({how})" if how else ""))
    if absent:
        kept.append(f"{_names(absent)} did not exist (a restore removes {'it' if len(absent) == 1 else 'them'})")
    return {"kind": "files", "mode": target.mode, "roots": roots, "files": found.files, "bytes": found.bytes,
            "how": counts, "kept": "; ".join(kept)}


def _materialise(src_root: str, entries, dst_root: str, link_allowed: bool, counts: dict,
                 deadline: Deadline | None) -> None:
    """Recreate `entries` (scanned from src_root) at dst_root; directory metadata last."""
    by_inode: dict[tuple[int, int], str] = {}   # keeps hard-link groups as groups
    names_in_tree: dict[tuple[int, int], int] = {}
    for entry in entries:
        if entry.kind == "file":
            key = (entry.st.st_dev, entry.st.st_ino)
            names_in_tree[key] = names_in_tree.get(key, 0) + 1
    dirs = []
    for n, entry in enumerate(entries):
        if deadline and n % 256 == 0:
            deadline.check(f"keeping {src_root}")
        src = os.path.join(src_root, entry.rel) if entry.rel else src_root
        dst = os.path.join(dst_root, entry.rel) if entry.rel else dst_root
        if entry.kind == "dir":
            os.mkdir(dst, 0o700)
            dirs.append((dst, entry.st))
        elif entry.kind == "symlink":
            os.symlink(os.readlink(src), dst)
            _set_owner(dst, entry.st, follow=False)
            os.utime(dst, ns=(entry.st.st_atime_ns, entry.st.st_mtime_ns), follow_symlinks=False)
        else:
            key = (entry.st.st_dev, entry.st.st_ino)
            if key in by_inode:
                os.link(by_inode[key], dst)
                continue
            # A name outside the deleted tree keeps the inode alive and writable after the
            # line ran: an edit through it would change the "kept" copy. Copy those.
            only_names_here = entry.st.st_nlink == names_in_tree[key]
            if link_allowed and only_names_here and _try_link(src, dst):
                counts["link"] += 1
            else:
                counts[copy_file(src, dst, entry.st)] += 1
            by_inode[key] = dst
    for dst, st in reversed(dirs):  # children first: creating them changed the parent's mtime
        _set_owner(dst, st, follow=True)
        os.chmod(dst, stat.S_IMODE(st.st_mode))
        os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))


def _try_link(src: str, dst: str) -> bool:
    try:
        os.link(src, dst, follow_symlinks=False)
        return True
    except OSError as e:
        # Another filesystem, protected_hardlinks, too many links: copy instead.
        if e.errno in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.EACCES, errno.ENOTSUP):
            return False
        raise


def copy_file(src: str, dst: str, st: os.stat_result) -> str:
    """Copy content and metadata; "reflink" if the filesystem shared the blocks, else "copy"."""
    import fcntl

    how = "copy"
    with open(src, "rb") as fin:
        fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            try:
                fcntl.ioctl(fd, FICLONE, fin.fileno())
                how = "reflink"
            except OSError:
                _copy_bytes(fin.fileno(), fd, st.st_size)
            if os.fstat(fin.fileno()).st_size != os.fstat(fd).st_size:
                raise SnapshotError(f"{src} changed size while it was copied")
        finally:
            os.close(fd)
    _set_owner(dst, st, follow=True)
    os.chmod(dst, stat.S_IMODE(st.st_mode))
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))
    return how


def _copy_bytes(fin: int, fout: int, size_hint: int) -> None:
    """In-kernel copy where possible (copy_file_range, then sendfile), else read/write."""
    chunk = 1 << 24
    try:
        while os.copy_file_range(fin, fout, chunk):
            pass
        return
    except (AttributeError, OSError) as e:
        if isinstance(e, OSError) and e.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise
    os.lseek(fin, 0, os.SEEK_SET)
    os.lseek(fout, 0, os.SEEK_SET)
    os.ftruncate(fout, 0)
    while True:
        data = os.read(fin, chunk)
        if not data:
            return
        view = memoryview(data)
        while view:
            view = view[os.write(fout, view):]


def _set_owner(path: str, st: os.stat_result, follow: bool) -> None:
    if os.geteuid() != 0:
        return  # only root can give a file away; the user's own files keep the user's id anyway
    os.chown(path, st.st_uid, st.st_gid, follow_symlinks=follow)


def _verify_unchanged(root: str, entries, regenerable) -> None:
    try:
        again = tuple(_walk(root, regenerable, None))
    except (OSError, _Special):
        again = ()
    before = [e.fingerprint() for e in entries]
    after = [e.fingerprint() for e in again]
    if before != after:
        changed = next((b[0] for b, a in zip(before, after) if b != a), None)
        if changed is None:
            changed = "(entries were added or removed)"
        raise SnapshotError(f"{os.path.join(root, changed) if changed else root} changed while it was being kept")


def restore(part: dict, snapshot_dir: str, deadline: Deadline) -> list[str]:
    """Put every kept root back where it was, replacing whatever is there now.
    Each root is rebuilt beside its place and swapped in, so a failure leaves the
    current state. Returns the paths restored."""
    done = []
    for root in sorted(part["roots"], key=lambda r: r["path"].count("/")):
        path = root["path"]
        if root["type"] == "absent":
            _remove(path)
            done.append(path)
            continue
        stored = os.path.join(snapshot_dir, root["stored"])
        parent = os.path.dirname(path)
        os.makedirs(parent, exist_ok=True)
        staging = os.path.join(parent, f".guardsh-restore-{os.getpid()}-{os.path.basename(path)}")
        _remove(staging)
        try:
            entries = tuple(_walk(stored, None, deadline))
            # Always a copy: a link would let later edits of the restored file change the snapshot.
            _materialise(stored, entries, staging, False, {"link": 0, "copy": 0, "reflink": 0}, deadline)
            _remove(path)
            os.rename(staging, path)
        except BaseException:
            _remove(staging)
            raise
        done.append(path)
    return done


def restore_targets(part: dict) -> PathsTarget:
    """What a restore of `part` would overwrite: kept first, so the undo is undoable."""
    return PathsTarget(tuple(r["path"] for r in part["roots"]), UNLINK)


def _remove(path: str) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        import shutil

        shutil.rmtree(path)
    else:
        os.unlink(path)


def _describe_os_error(e: OSError, doing: str, path: str) -> str:
    where = e.filename or path
    if e.errno == errno.ENOSPC:
        return f"disk full while {doing} {path}"
    if e.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied on {where} while {doing} {path}"
    if e.errno == errno.EDQUOT:
        return f"disk quota exceeded while {doing} {path}"
    return f"{e.strerror or e} on {where} while {doing} {path}"


def _names(paths: list[str], most: int = 3) -> str:
    shown = ", ".join(paths[:most])
    return shown + (f" and {len(paths) - most} more" if len(paths) > most else "")


def human_bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"
