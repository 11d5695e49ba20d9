"""Approving a refused command from the human's own terminal.

An agent usually has no terminal, so guardsh cannot ask anyone and refuses.
The refusal files a request with a short id; the human runs
`guardsh approve ID` in their own terminal, sees the command, its directory,
rules and targets, and types the same phrase the normal prompt asks for.
The agent's next run of the same command then runs, once.

What an approval is bound to (`binding_key`): the command text, the bash
arguments (so `$1` cannot change), the working directory, the rule ids that
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

Who may approve (`approve_interactively`): standard input and /dev/tty must
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
import sys
import time

from .. import exits, paths
from ..identity import LAUNCHERS
from . import audit
from .messages import describe, one_line, visible
from .tty import NoTerminal, ask_phrase, raise_interrupt, random_phrase

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
    bound = [_stable(text), cwd, sorted(set(rule_ids)), [_stable(a) for a in argv or []],
             {n: env.get(n) for n in names}]
    return hashlib.sha256(json.dumps(bound).encode()).hexdigest()


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


# --- the human's side -----------------------------------------------------


def approve_interactively(approval_id: str) -> int:
    """`guardsh approve ID`: 0 approved, 1 no such request, 126 refused."""
    rid = approval_id.strip().upper()
    directory = approvals_dir()
    request = _read(os.path.join(directory, rid + ".json")) if valid_id(rid) else None
    if not request:
        sys.stderr.write(f"guardsh: no request {approval_id!r} (it may have expired); "
                         "`guardsh pending` lists those waiting.\n")
        return exits.FAILED
    command, rules = request.get("command", ""), request.get("rules") or []
    where = inside_guardsh()
    if where:
        _audit_approval(request, "refused", "inside-guardsh")
        sys.stderr.write(f"guardsh: refusing to approve from inside a shell guardsh runs ({where}): "
                         "an agent must not approve its own commands. Run `guardsh approve "
                         f"{rid}` in your own terminal.\n")
        return exits.REFUSED
    problem = _terminal_problem()
    if problem:
        _audit_approval(request, "refused", "no-terminal")
        sys.stderr.write(f"guardsh: refusing to approve: {problem}. Run `guardsh approve {rid}` "
                         "yourself, in your own terminal.\n")
        return exits.REFUSED
    if not _number(request.get("expires")) > time.time():
        sys.stderr.write(f"guardsh: request {rid} has expired; nothing was approved. "
                         "The agent's next run of the command files a new one.\n")
        return exits.FAILED
    if os.path.exists(os.path.join(directory, rid + ".approved")):
        used = os.path.exists(os.path.join(directory, rid + ".used"))
        sys.stderr.write(f"guardsh: request {rid} is already approved{' and was used' if used else ''}.\n")
        return exits.FAILED
    settings = _settings()
    ttl = float(settings.get("approval_ttl", DEFAULT_TTL))
    shown = (f"\nguardsh: an agent was refused this command because no one could confirm it "
             f"on a terminal.\n"
             f"  request: {rid}, filed {duration(time.time() - _number(request.get('created')))} ago "
             f"by process {request.get('pid')}\n"
             f"  cwd: {request.get('cwd')}\n"
             f"  rules: {', '.join(rules) or '-'}\n"
             f"  targets: {', '.join(request.get('targets') or []) or '-'}\n"
             f"{request.get('description', '')}\n"
             f"Approving lets this exact command run once, from that directory, within "
             f"{duration(ttl)}.\n")
    try:
        ok = ask_phrase(request.get("phrase_target") or random_phrase(), visible(shown),
                        float(settings.get("confirm_timeout", 120)), action="approve it",
                        nothing="nothing was approved")
    except NoTerminal:
        ok = False
    if not ok:
        _audit_approval(request, "refused", "refused-at-terminal")
        return exits.REFUSED
    now = time.time()
    if not (os.path.exists(os.path.join(directory, rid + ".json"))
            and _number(request.get("expires")) > now):
        sys.stderr.write(f"guardsh: request {rid} expired while you were answering; nothing was approved.\n")
        return exits.FAILED
    by = _who()
    approval = {"id": rid, "key": request.get("key"), "approved_at": now, "expires": now + ttl, "by": by}
    if not _write_once(os.path.join(directory, rid + ".approved"), approval):
        sys.stderr.write(f"guardsh: request {rid} is already approved.\n")
        return exits.FAILED
    _audit_approval(request, "approved", "typed-at-terminal")
    print(visible(f"guardsh: approved {rid}. The agent's next run of `{one_line(command)}` in "
                  f"{request.get('cwd')} runs once (within {duration(ttl)}); a command waiting for it runs now."))
    return exits.OK


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


def print_pending() -> int:
    """`guardsh pending`: id, age, status, cwd, command, rules."""
    requests = pending_requests()
    if not requests:
        print("guardsh: no refused command is waiting for approval.")
        return exits.OK
    now = time.time()
    print(f"{'ID':8}{'AGE':>6}  {'STATUS':9} CWD / COMMAND")
    for r in requests:
        print(visible(f"{r['id']:8}{duration(now - _number(r.get('created'))):>6}  {r['status']:9} "
                       f"{r.get('cwd')}"))
        print(visible(f"{'':26}{one_line(r.get('command', ''), 200)}  [{', '.join(r.get('rules') or [])}]"))
    print("Approve one with `guardsh approve ID` (in your own terminal).")
    return exits.OK


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


# --- who is approving -----------------------------------------------------


def inside_guardsh(environ=None) -> str | None:
    """Why this process runs inside guardsh (so, possibly, as an agent), or None."""
    if "GUARDSH_ACTIVE" in (os.environ if environ is None else environ):
        return "GUARDSH_ACTIVE is set"
    for pid, argv, env_names in _ancestors():
        if runs_guardsh(argv):
            return f"process {pid} above this one is guardsh: {one_line(' '.join(argv), 80)}"
        if env_names is not None and "GUARDSH_ACTIVE" in env_names:
            return (f"process {pid} above this one ({os.path.basename(argv[0]) if argv else '?'}) "
                    "was started by guardsh")
    return None


def runs_guardsh(argv: list[str]) -> bool:
    """Is this command line a guardsh launcher, or a Python running guardsh?"""
    if not argv:
        return False
    if os.path.basename(argv[0]) in LAUNCHERS:
        return True
    if not os.path.basename(argv[0]).startswith("python"):
        return False
    i = 1
    while i < len(argv):
        a = argv[i]
        if a.startswith("-m"):
            module = a[2:] or (argv[i + 1] if i + 1 < len(argv) else "")
            return module.split(".")[0] == "guardsh"
        if a.startswith("-c"):
            import re

            code = a[2:] or (argv[i + 1] if i + 1 < len(argv) else "")
            return re.search(r"\b(from|import)\s+guardsh\b", code) is not None
        if a in ("-W", "-X"):
            i += 2
            continue
        if a.startswith("-") and a != "-":
            i += 1
            continue
        return os.path.basename(a) in LAUNCHERS
    return False


def _ancestors(proc: str = "/proc"):
    """(pid, argv, names in its initial environment or None) for each process
    above this one, nearest first."""
    if not os.path.exists(os.path.join(proc, "self", "stat")):
        yield from _ps_ancestors()
        return
    pid, seen = os.getppid(), set()
    while pid > 0 and pid not in seen:
        seen.add(pid)
        base = os.path.join(proc, str(pid))
        try:
            with open(os.path.join(base, "stat"), "rb") as fh:
                stat = fh.read()
            with open(os.path.join(base, "cmdline"), "rb") as fh:
                cmdline = fh.read()
        except OSError:
            return  # gone, or hidden: nothing more to read above it
        try:
            with open(os.path.join(base, "environ"), "rb") as fh:
                env_names = {e.split(b"=", 1)[0].decode("utf-8", "replace") for e in fh.read().split(b"\0") if e}
        except OSError:
            env_names = None  # another user's process (root's sshd, a terminal emulator)
        yield pid, [a.decode("utf-8", "surrogateescape") for a in cmdline.split(b"\0")[:-1]], env_names
        pid = int(stat.rsplit(b")", 1)[1].split()[1])


def _ps_ancestors():
    import subprocess

    try:
        out = subprocess.run(["ps", "-A", "-o", "pid=", "-o", "ppid=", "-o", "args="], capture_output=True,
                             text=True, errors="replace", timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return
    table = {}
    for line in out.splitlines():
        fields = line.split(None, 2)
        if len(fields) >= 2 and fields[0].isdigit() and fields[1].isdigit():
            table[int(fields[0])] = (int(fields[1]), fields[2].split() if len(fields) > 2 else [])
    pid, seen = os.getppid(), set()
    while pid in table and pid not in seen:
        seen.add(pid)
        ppid, argv = table[pid]
        yield pid, argv, None
        pid = ppid


def _terminal_problem() -> str | None:
    if not sys.stdin.isatty():
        return "standard input is not a terminal"
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError:
        return "this process has no terminal (/dev/tty)"
    try:
        return None if os.isatty(fd) else "/dev/tty is not a terminal"
    finally:
        os.close(fd)


def _who() -> dict:
    try:
        tty = os.ttyname(0)
    except OSError:
        tty = None
    return {"tty": tty, "uid": os.getuid(), "pid": os.getpid()}


def _audit_approval(request: dict, outcome: str, confirmed: str) -> None:
    audit.record(request.get("command", ""), "approval", outcome, request.get("rules") or [],
                 confirmed=confirmed, approval=request.get("id"), cwd=request.get("cwd"),
                 tty=_who()["tty"])


def _settings() -> dict:
    """The user's [settings] (a project's file cannot change them)."""
    from ..policy.load import load_ruleset
    from ..policy.schema import ConfigError

    try:
        return load_ruleset().settings
    except ConfigError as e:
        sys.stderr.write(f"{e}\nguardsh: warning: the rules above are broken; using default settings.\n")
        return {}


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
