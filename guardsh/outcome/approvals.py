"""Approving a refused command from the human's own terminal.

An agent usually has no terminal, so guardsh cannot ask anyone and refuses.
The refusal files a request with a short id; the human runs
`guardsh approve ID` in their own terminal, sees the command, its directory,
rules and targets, and types the same phrase the normal prompt asks for.
The agent's next run of the same command then runs, once.

What an approval is bound to (`binding_key`): the command text, the bash
arguments after it (so `$0`, `$1` cannot change), the working directory, the rule ids that
matched, and the values of the environment variables the text names (so
`rm -rf "$DIR"` cannot point elsewhere). The one normalisation: the name of
the file Claude Code's wrapper writes `pwd -P` into (`/tmp/claude-XXXX-cwd`)
is random on every call, so its hex part is ignored.

Files: one request a directory entry in $XDG_STATE_HOME/guardsh/approvals/
(directory 0700, files 0600):
  ID.json      the request (written once, atomically, never changed)
  ID.approved  the approval: who, when, until when (created exclusively)
  ID.used      the claim of the one run it allowed (created with O_EXCL, so
               of any number of racing runs exactly one wins)
Expired groups are removed lazily when requests are filed or listed.

Who may approve (`approve_interactively`, frontends/approve.py; ancestry.py): standard input and /dev/tty must
be real terminals, GUARDSH_ACTIVE must not be set, and no process above this
one may be guardsh (a `guardsh`/`guardsh-bash` launcher or a Python running
guardsh) or have been started by guardsh (GUARDSH_ACTIVE in its initial
environment, /proc/PID/environ, which survives `unset`). That stops an agent
from approving its own request by running `guardsh approve` through its shell.

What it does not stop (the README's "hostile process"): a process that
leaves guardsh's process tree (`exec env -u GUARDSH_ACTIVE`, `setsid`, a
double fork) and drives a pseudo-terminal of its own (`script`, `expect`) can
type the phrase itself; any process running as the user can write these
files directly; TIOCSTI (where the kernel still allows it) can type into the
human's terminal. Without /proc (macOS) ancestors are read with `ps`, by
command line only. The ids are not secrets: the phrase typed on a terminal
is what approves.
"""

from __future__ import annotations

import json
import os
import secrets
import time

from .. import paths
from .messages import describe, explain, marked_spans
from .tty import raise_interrupt

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed by a human
ID_LENGTH = 6
DEFAULT_TTL = 600
POLL_SECONDS = 0.5


def new_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(ID_LENGTH))


def valid_id(text: str) -> bool:
    return len(text) == ID_LENGTH and all(c in ALPHABET for c in text)


def approvals_dir() -> str:
    return os.path.join(paths.state_dir(), "approvals")


# --- the agent's side -----------------------------------------------------


def binding_key(text: str, cwd: str | None, rule_ids: list[str], argv: list[str] | None = None,
                environ=None) -> str:
    """A digest of everything an approval is bound to (see the module docstring)."""
    import hashlib
    import re

    env = os.environ if environ is None else environ
    names = sorted(set(re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", text)))
    bound = [_stable(text), cwd, sorted(set(rule_ids)), [_stable(a) for a in _positional(argv or [], text)],
             {n: env.get(n) for n in names}]
    return hashlib.sha256(json.dumps(bound).encode()).hexdigest()


def _positional(argv: list[str], text: str) -> list[str]:
    """What `$0 $1 ...` will be: the words after the `-c` line. Bash's options before it are not
    bound: Codex runs a command as `bash -lc CMD` before its snapshot is ready and as
    `bash -c CMD` after, and the approval is for the command."""
    return argv[argv.index(text) + 1:] if text in argv else argv


def _stable(text: str) -> str:
    import re

    return re.sub(r"(pwd -P >\| \S*?claude-)[0-9a-f]{1,32}(-cwd)\Z", r"\1*\2", text)


def use_approval(key: str) -> dict | None:
    """Claim an unexpired, unused approval bound to `key`; return it (id, by,
    ...) or None. Exactly one caller can claim a given approval."""
    directory = approvals_dir()
    now = time.time()
    for name in _names(directory):
        if not name.endswith(".approved"):
            continue
        rid = name[:-len(".approved")]
        approval = _read(os.path.join(directory, name))
        if (not approval or approval.get("key") != key or not _number(approval.get("expires")) > now
                or not os.path.exists(os.path.join(directory, rid + ".json"))):
            continue
        try:
            fd = os.open(os.path.join(directory, rid + ".used"),
                         os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            continue  # used already, or another run won the race
        except OSError:
            return None
        with os.fdopen(fd, "w") as fh:
            json.dump({"used_at": now, "pid": os.getpid()}, fh)
        return approval
    return None


def request_approval(key: str, shown: str, cwd: str | None, verdict, lifetime: float) -> str:
    """The id of a waiting request for this command: the one already filed
    (an agent retrying before the human has answered) or a new one."""
    directory = approvals_dir()
    now = time.time()
    cleanup(now)
    for request in _requests(directory):
        if (request.get("key") == key and _number(request.get("expires")) > now
                and not os.path.exists(os.path.join(directory, request["id"] + ".approved"))):
            return request["id"]
    os.makedirs(directory, mode=0o700, exist_ok=True)
    record = {"key": key, "created": now, "expires": now + lifetime, "command": shown, "cwd": cwd,
              "rules": verdict.rule_ids,
              "targets": list(dict.fromkeys(m.target.replace("\x00", "$?") for m in verdict.matches if m.target)),
              "description": describe(shown, verdict), "phrase_target": verdict.phrase_target(),
              # for `guardsh approve` to show the command at its own terminal's width:
              "explanation": explain(verdict), "marks": marked_spans(shown, verdict),
              "pid": os.getpid()}
    while True:
        rid = new_id()
        if _write_once(os.path.join(directory, rid + ".json"), {"id": rid, **record}):
            return rid


def wait_for_approval(key: str, seconds: float) -> dict | None:
    """Poll until an approval bound to `key` can be claimed, or `seconds` pass."""
    import signal

    deadline = time.monotonic() + seconds
    previous = signal.signal(signal.SIGTERM, raise_interrupt)  # killed while waiting: refused, and audited
    try:
        while True:
            approval = use_approval(key)
            if approval or time.monotonic() >= deadline:
                return approval
            time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
    finally:
        signal.signal(signal.SIGTERM, previous)


def notify(title: str, body: str) -> None:
    """A desktop notification when notify-send exists; never an error."""
    import shutil
    import subprocess

    program = shutil.which("notify-send")
    if not program:
        return
    try:
        subprocess.run([program, "--app-name=guardsh", title, body], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=2)
    except (OSError, subprocess.SubprocessError):
        pass


# --- the human's side: approving (the UI is frontends/approve.py) ------------


def pending_requests() -> list[dict]:
    """Unexpired requests not yet used, oldest first; each has a `status`:
    "waiting" (for a human) or "approved" (for the agent's re-run)."""
    directory = approvals_dir()
    now = time.time()
    cleanup(now)
    out = []
    for request in _requests(directory):
        rid = request["id"]
        if os.path.exists(os.path.join(directory, rid + ".used")):
            continue
        approval = _read(os.path.join(directory, rid + ".approved"))
        if approval:
            if _number(approval.get("expires")) > now:
                out.append({**request, "status": "approved"})
        elif _number(request.get("expires")) > now:
            out.append({**request, "status": "waiting"})
    return sorted(out, key=lambda r: _number(r.get("created")))


def cleanup(now: float | None = None) -> None:
    """Remove requests whose request and approval have both expired, and
    temporary files left by a crash."""
    now = time.time() if now is None else now
    directory = approvals_dir()
    groups: dict[str, list[str]] = {}
    for name in _names(directory):
        rid, _, ext = name.partition(".")
        if ext.endswith(".tmp"):
            _remove_if_older(os.path.join(directory, name), now - 3600)
        else:
            groups.setdefault(rid, []).append(ext)
    for rid, exts in groups.items():
        if not valid_id(rid):
            continue  # not ours
        base = os.path.join(directory, rid)
        request = _read(base + ".json") if "json" in exts else None
        approval = _read(base + ".approved") if "approved" in exts else None
        ends = [_number(d.get("expires")) for d in (request, approval) if d]
        if not ends:  # unreadable: keep it a day for a look, then drop it
            for ext in exts:
                _remove_if_older(f"{base}.{ext}", now - 86400)
        elif max(ends) <= now:
            for ext in ("approved", "used", "json"):  # the approval first: never approved-but-unused
                if ext in exts:
                    _remove(f"{base}.{ext}")


# --- files ----------------------------------------------------------------


def _write_once(path: str, data: dict) -> bool:
    """Write `path` whole and only if it does not exist (False if it does):
    readers never see a partial file, and two writers never both succeed."""
    tmp = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh)
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        _remove(tmp)


def _names(directory: str) -> list[str]:
    try:
        return sorted(os.listdir(directory))
    except OSError:
        return []


def _requests(directory: str):
    for name in _names(directory):
        if name.endswith(".json") and valid_id(name[:-5]):
            request = _read(os.path.join(directory, name))
            if request and request.get("id") == name[:-5]:
                yield request


def _read(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _remove_if_older(path: str, limit: float) -> None:
    try:
        if os.stat(path).st_mtime < limit:
            os.unlink(path)
    except OSError:
        pass


def read_request(rid: str) -> dict | None:
    """The request filed under `rid` (any case), or None."""
    rid = rid.strip().upper()
    return _read(os.path.join(approvals_dir(), rid + ".json")) if valid_id(rid) else None


def approval_state(rid: str) -> tuple[bool, bool]:
    """(approved, used) of request `rid`."""
    base = os.path.join(approvals_dir(), rid)
    return os.path.exists(base + ".approved"), os.path.exists(base + ".used")


def is_open(request: dict, now: float) -> bool:
    """The request is still on file and has not expired."""
    return os.path.exists(os.path.join(approvals_dir(), request.get("id", "") + ".json")) and expires(request) > now


def record_approval(request: dict, ttl: float, by: dict) -> bool:
    """Approve `request` for `ttl` seconds; False if it already was (only one approval is ever written)."""
    now = time.time()
    approval = {"id": request.get("id"), "key": request.get("key"), "approved_at": now, "expires": now + ttl, "by": by}
    return _write_once(os.path.join(approvals_dir(), f"{request.get('id')}.approved"), approval)


def created(request: dict) -> float:
    return _number(request.get("created"))


def expires(request: dict) -> float:
    return _number(request.get("expires"))


def _number(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def duration(seconds: float) -> str:
    """'45 s', '10 min', '3 h'."""
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"
