"""Every decision, one JSON line, appended to the audit log.

One write() of the whole line on an O_APPEND descriptor under flock: many
guardsh processes at once neither lose nor interleave lines."""

from __future__ import annotations

import os
import sys
import time

from .. import paths


def record(command: str, decision: str, outcome: str, rules: list[str] | None = None,
           confirmed: str | None = None, settings: dict | None = None, **extra) -> bool:
    """Append one entry; return False (after a warning on stderr) if it could not be written.
    With `[settings] syslog = true` the entry also goes to the system log."""
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
    if settings and settings.get("syslog"):
        to_system_log(entry, settings)
    line = (_to_json(entry) + "\n").encode("utf-8", "surrogateescape")
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


SYSLOG_COMMAND_LIMIT = 4000  # characters: a datagram is not a file (rsyslog keeps 8 kB of a message by default)


def to_system_log(entry: dict, settings: dict) -> bool:
    """Send `entry` to the system log as sudo words its lines
    (`alice : TTY=pts/0 ; PWD=/src ; COMMAND=...`): the command last, every
    field made visible and on one line. False (after a warning) if not sent."""
    from .. import system_log
    from .messages import visible

    def text(value) -> str:
        return visible(str(value)).replace("\n", "\\n")

    fields = [("DECISION", entry["decision"]), ("OUTCOME", entry["outcome"]),
              ("RULES", ",".join(entry["rules"]) or "-")]
    fields += [(key.upper(), entry[key]) for key in ("confirmed", "approval", "via", "tty", "warnings")
               if entry.get(key)]
    fields.append(("PWD", entry.get("cwd") or "?"))
    command = text(entry["command"])
    if len(command) > SYSLOG_COMMAND_LIMIT:
        command = (f"{command[:SYSLOG_COMMAND_LIMIT]} ... ({len(command) - SYSLOG_COMMAND_LIMIT} more "
                   "characters: the whole command is in the audit log)")
    message = (f"{_user_name(entry['uid'])} : "
               + " ; ".join(f"{key}={text(','.join(v) if isinstance(v, list) else v)}" for key, v in fields)
               + f" ; COMMAND={command}")
    severity = system_log.NOTICE if entry["outcome"] in ("allowed", "approved") else system_log.WARNING
    path = settings.get("syslog_socket", system_log.DEFAULT_SOCKET)
    try:
        system_log.send(system_log.frame(message, settings.get("syslog_facility", system_log.DEFAULT_FACILITY),
                                         severity, settings.get("syslog_ident", system_log.DEFAULT_IDENT),
                                         pid=entry["pid"]), path)
        return True
    except OSError as e:
        sys.stderr.write(f"guardsh: warning: cannot send to the system log {path}: {e.strerror or e}\n")
        return False


def _user_name(uid: int) -> str:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


# JSON by hand for the few types an entry holds: `import json` pulls in `re`,
# ~4 ms on every agent command. Output is valid JSON (tests read it back).
_ESCAPES = {i: f"\\u{i:04x}" for i in range(0x20)} | {ord('"'): '\\"', ord("\\"): "\\\\",
                                                     0x7F: "\\u007f", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _to_json(value) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_to_json(str(k))}: {_to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_to_json(v) for v in value) + "]"
    text = str(value).translate(_ESCAPES)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):  # undecodable bytes, kept as lone surrogates
        text = "".join(f"\\u{ord(c):04x}" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return f'"{text}"'


def read_recent(limit: int = 20) -> list[dict]:
    import json

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
