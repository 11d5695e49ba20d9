"""`guardsh approve ID` and `guardsh pending`: the human's side of approvals,
in their own terminal (the store is outcome/approvals.py)."""

from __future__ import annotations

import os
import sys
import time

from .. import exits
from ..outcome import approvals, audit
from ..outcome.ancestry import inside_guardsh
from ..outcome.approvals import DEFAULT_TTL, duration
from ..outcome.messages import COMMAND_LABEL, listed, one_line, show_command, visible
from ..outcome.tty import NoTerminal, ask_phrase, random_phrase


def approve_interactively(approval_id: str) -> int:
    """`guardsh approve ID`: 0 approved, 1 no such request, 126 refused."""
    rid = approval_id.strip().upper()
    request = approvals.read_request(rid)
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
    if not approvals.expires(request) > time.time():
        sys.stderr.write(f"guardsh: request {rid} has expired; nothing was approved. "
                         "The agent's next run of the command files a new one.\n")
        return exits.FAILED
    approved, used = approvals.approval_state(rid)
    if approved:
        sys.stderr.write(f"guardsh: request {rid} is already approved{' and was used' if used else ''}.\n")
        return exits.FAILED
    settings = _settings()
    ttl = float(settings.get("approval_ttl", DEFAULT_TTL))
    def shown(width: int | None) -> str:
        return (f"\nguardsh: an agent was refused this command because no one could confirm it "
                f"on a terminal.\n"
                f"  request: {rid}, filed {duration(time.time() - approvals.created(request))} ago "
                f"by process {request.get('pid')}\n"
                f"  cwd: {request.get('cwd')}\n"
                f"  rules: {', '.join(rules) or '-'}\n"
                f"  targets: {', '.join(request.get('targets') or []) or '-'}\n"
                f"{_description(request, width)}\n"
                f"Approving lets this exact command run once, from that directory, within "
                f"{duration(ttl)}.\n")

    try:
        ok = ask_phrase(request.get("phrase_target") or random_phrase(), shown,
                        float(settings.get("confirm_timeout", 120)), action="approve it",
                        nothing="nothing was approved")
    except NoTerminal:
        ok = False
    if not ok:
        _audit_approval(request, "refused", "refused-at-terminal")
        return exits.REFUSED
    if not approvals.is_open(request, time.time()):
        sys.stderr.write(f"guardsh: request {rid} expired while you were answering; nothing was approved.\n")
        return exits.FAILED
    if not approvals.record_approval(request, ttl, _who()):
        sys.stderr.write(f"guardsh: request {rid} is already approved.\n")
        return exits.FAILED
    _audit_approval(request, "approved", "typed-at-terminal")
    print(visible(f"guardsh: approved {rid}. The agent's next run of `{one_line(command)}` in "
                  f"{request.get('cwd')} runs once (within {duration(ttl)}); a command waiting for it runs now."))
    return exits.OK


def _description(request: dict, width: int | None) -> str:
    """The whole command, wrapped to this terminal, its matched parts marked,
    and why; a request filed by an older guardsh has only its description."""
    command, explanation = request.get("command", ""), request.get("explanation")
    if not isinstance(command, str) or not isinstance(explanation, str):
        return str(request.get("description", ""))
    marks = [tuple(m) for m in request.get("marks") or [] if isinstance(m, list) and len(m) == 2
             and all(isinstance(i, int) for i in m)]
    return f"{COMMAND_LABEL}{show_command(command, marks, width, len(COMMAND_LABEL))}\n{explanation}"


def print_pending() -> int:
    """`guardsh pending`: id, age, status, cwd, command, rules."""
    requests = approvals.pending_requests()
    if not requests:
        print("guardsh: no refused command is waiting for approval.")
        return exits.OK
    now = time.time()
    print(f"{'ID':8}{'AGE':>6}  {'STATUS':9} CWD / COMMAND")
    for r in requests:
        print(visible(f"{r['id']:8}{duration(now - approvals.created(r)):>6}  {r['status']:9} "
                       f"{r.get('cwd')}"))
        print(f"{'':26}{listed(str(r.get('command', '')), 26)}  {visible('[' + ', '.join(r.get('rules') or []) + ']')}")
    print("Approve one with `guardsh approve ID` (in your own terminal).")
    return exits.OK


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
                 confirmed=confirmed, settings=_settings(), approval=request.get("id"), cwd=request.get("cwd"),
                 tty=_who()["tty"])


def _settings() -> dict:
    """The user's [settings] (a project's file cannot change them)."""
    from ..policy.load import load_ruleset
    from ..policy.schema import ConfigError

    try:
        return load_ruleset().settings
    except ConfigError as e:
        sys.stderr.write(f"{visible(str(e))}\nguardsh: warning: the rules above are broken; using default settings.\n")
        return {}
