"""Every decision, one JSON line, appended to the audit log.

One write() of the whole line on an O_APPEND descriptor under flock: many
guardsh processes at once neither lose nor interleave lines."""

from __future__ import annotations

import json
import os
import sys
import time

from . import paths


def record(command: str, decision: str, outcome: str, rules: list[str] | None = None,
           confirmed: str | None = None, **extra) -> bool:
    """Append one entry; return False (after a warning on stderr) if it could not be written."""
    entry = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": command,
        "cwd": _cwd(),
        "decision": decision,
        "outcome": outcome,
        "rules": rules or [],
        "confirmed": confirmed,
        "pid": os.getpid(),
        "uid": os.getuid(),
        **extra,
    }
    line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8", "surrogateescape")
    path = paths.audit_log()
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(28, "short write (disk full?)")
        finally:
            os.close(fd)
        return True
    except OSError as e:
        sys.stderr.write(f"guardsh: warning: cannot write the audit log {path}: {e.strerror or e}\n")
        return False


def read_recent(limit: int = 20) -> list[dict]:
    path = paths.audit_log()
    try:
        with open(path, "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 256 * 1024))
            lines = fh.read().splitlines()
    except FileNotFoundError:
        return []
    out = []
    for raw in lines[-limit:]:
        try:
            out.append(json.loads(raw))
        except ValueError:
            continue  # a partial first line after the seek
    return out


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:
        return None
