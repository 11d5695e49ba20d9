"""What a verdict becomes, for every channel: run, refuse, ask or approve.

One policy after the verdict, whoever asked:
- TERMINAL: `guardsh -c`, a script or stdin; a blocked command is confirmed
  on /dev/tty, or (no terminal) by `guardsh approve`, optionally waited for;
- REPL: the interactive shell (always has a terminal);
- HOOK: an agent's pre-command hook; never asks on a terminal (the agent
  owns it), files an approval request, or lets the agent ask its own prompt.

A `snapshot` verdict is kept first (outcome/keeping.py), then allowed; if
keeping fails in any way it is asked about as a confirm, with the reason.

This is the only place that writes a decision to the audit log, so every
channel uses one vocabulary: decision allow|snapshot|confirm|deny, outcome
allowed|refused|asked, and `warnings` on every allowed command. The front
end acts on the Outcome (exec bash, answer the agent)."""

from __future__ import annotations

import sys

from . import audit

TERMINAL, REPL, HOOK = "terminal", "repl", "hook"

NO_TERMINAL = "It needs a human to type a confirmation on a terminal, and this process has none."


class Request:
    """What is being judged and where: `shown` is what a human reads (a
    script's name), `text` what was judged, `argv` bash's arguments and `cwd`
    where it runs (None: here). An approval is bound to text, argv and cwd."""

    __slots__ = ("shown", "text", "channel", "argv", "cwd", "via", "can_ask")

    def __init__(self, shown: str, channel: str, text: str | None = None, argv: list[str] | None = None,
                 cwd: str | None = None, via: str | None = None, can_ask: bool = False):
        self.shown = shown
        self.text = text if text is not None else shown
        self.channel = channel
        self.argv = argv
        self.cwd = cwd
        self.via = via  # "hook AGENT": which front end asked, in the audit
        self.can_ask = can_ask  # HOOK: the agent has an "ask" answer of its own


class Outcome:
    """"allow" (run it), "deny" or "ask" (the agent's own prompt); `message`
    is what the agent reads (already written to stderr on TERMINAL/REPL)."""

    __slots__ = ("decision", "message")

    def __init__(self, decision: str, message: str = ""):
        self.decision = decision
        self.message = message

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"


def resolve(verdict, request: Request, ruleset) -> Outcome:
    """Audit the verdict and turn it into an Outcome for `request`'s channel."""
    unkept: dict = {}
    if getattr(verdict, "shown", None) and request.shown == request.text:
        # The agent's command inside its wrapper: what the human reads, in the
        # audit, the prompt, the refusal and `guardsh approve`/`pending`; the
        # wrapper is a note (messages.explain). The approval stays bound to
        # the whole text that runs.
        request.shown = verdict.shown

    def record(decision: str, outcome: str, rules=None, **extra) -> None:
        if request.via:
            extra["via"] = request.via
        if request.cwd is not None:
            extra["cwd"] = request.cwd
        if request.channel == REPL:
            extra["interactive"] = True
        if getattr(verdict, "wrapper", None):
            extra["wrapper"] = verdict.wrapper
        audit.record(request.shown, decision, outcome, rules, settings=ruleset.settings, **unkept, **extra)

    if verdict.decision == "snapshot":
        kept = _keep_first(verdict, request, ruleset, record)
        if isinstance(kept, Outcome):
            return kept
        unkept["unkept"] = kept
        verdict = verdict.asked_instead(kept)
        note = f"guardsh: could not keep a copy first ({kept}), so it asks as before."
        if request.channel == HOOK:
            outcome = _ask(verdict, request, ruleset, record)
            if not outcome.allowed:
                from .messages import visible

                outcome.message = visible(f"{note}\n{outcome.message}")
            return outcome
        _tell(note + "\n")
    if verdict.decision == "allow":
        warnings = verdict.warnings
        record("allow", "allowed", **({"warnings": warnings} if warnings else {}))
        return Outcome("allow")
    return _ask(verdict, request, ruleset, record)


# An agent gives up on a hook after its timeout (60 s by default in Claude Code
# and Gemini CLI) and may then run the command anyway: a snapshot taken in the
# hook must end well before, or fail and be asked about.
HOOK_SNAPSHOT_SECONDS = 20.0


def _keep_first(verdict, request: Request, ruleset, record):
    """Keep a copy of what the line destroys; an allow Outcome once it is kept
    (audited, and the agent told in one line), else why it could not be."""
    from . import keeping

    budget = HOOK_SNAPSHOT_SECONDS if request.channel == HOOK else None
    kept = keeping.keep_verdict(verdict, ruleset, request.shown, request.cwd, budget)
    if isinstance(kept, keeping.Unkeepable):
        return kept.reason
    m = kept.manifest
    record("snapshot", "allowed", verdict.rule_ids, snapshot=m.id, kept=m.kept, bytes=m.bytes, files=m.files)
    from .messages import visible

    line = visible(kept.summary())
    if request.channel != HOOK:
        _tell(line + "\n")
    return Outcome("allow", line)


def _ask(verdict, request: Request, ruleset, record) -> Outcome:
    """A blocked verdict: refuse a deny, confirm on the terminal, or approve elsewhere."""
    from . import messages

    rules = verdict.rule_ids
    if verdict.decision == "deny":
        record("deny", "refused", rules)
        return _refuse(request, messages.refusal(request.shown, verdict, "A rule denies it outright.",
                                                 width=_width(request)))
    if request.channel != HOOK:
        from . import tty as confirm

        timeout = float(ruleset.settings.get("confirm_timeout", 120))
        try:
            ok = confirm.ask(request.shown, verdict, timeout)
        except confirm.NoTerminal:
            return _approved_elsewhere(verdict, request, ruleset, record)
        if not ok:
            record("confirm", "refused", rules, confirmed="refused-at-terminal")
            sys.stderr.write("guardsh: not confirmed; nothing was run.\n")
            return Outcome("deny", "not confirmed")
        record("confirm", "allowed", rules, confirmed="typed-at-terminal", tty=_tty_name())
        return Outcome("allow")
    return _approved_elsewhere(verdict, request, ruleset, record)


def unjudged(request: Request, why: str, rules: list[str] | None = None, **extra) -> Outcome:
    """Refuse what could not be judged at all (broken rules, unreadable
    input, a bug): fail closed, audited, with `why` for the agent."""
    for key, value in (("via", request.via), ("cwd", request.cwd)):
        if value is not None:
            extra[key] = value
    audit.record(request.shown, "deny", "refused", rules, **extra)
    return _refuse(request, f"guardsh: refused; nothing was run. {why}")


def _approved_elsewhere(verdict, request: Request, ruleset, record) -> Outcome:
    """No terminal to ask on: allow if a human approved this very command with
    `guardsh approve`; else, on a hook that may, let the agent ask; else file a
    request and (TERMINAL with approval_wait) wait for it."""
    from . import approvals, messages

    rules, shown = verdict.rule_ids, request.shown
    cwd = request.cwd if request.cwd is not None else _cwd()
    try:
        key = approvals.binding_key(request.text, cwd, rules, request.argv)
        approval = approvals.use_approval(key)
    except Exception:  # noqa: BLE001 - a broken store approves nothing
        key, approval = None, None
    if approval:
        record("confirm", "allowed", rules, confirmed="approved", approval=approval.get("id"),
               approved_by=approval.get("by"))
        return Outcome("allow")
    if request.can_ask and ruleset.settings.get("hook_confirm", "deny") == "ask":
        record("confirm", "asked", rules, confirmed="agent-prompt")
        return Outcome("ask", messages.visible(f"{messages.DANGER}\n{messages.describe(shown, verdict)}"))
    ttl = int(ruleset.settings.get("approval_ttl", approvals.DEFAULT_TTL))
    # A hook does not wait: an agent treats a hook that runs past its timeout
    # as a failed hook, and Claude Code then runs the command.
    wait = 0 if request.channel == HOOK else int(ruleset.settings.get("approval_wait", 0))
    try:
        if key is None:
            raise OSError("the approvals store could not be read")
        rid = approvals.request_approval(key, shown, cwd, verdict, lifetime=max(ttl, wait))
    except Exception as e:  # noqa: BLE001 - still refused; the human can run it by hand
        record("confirm", "refused", rules, confirmed="no-terminal")
        why = f"{NO_TERMINAL} No approval could be filed: {getattr(e, 'strerror', None) or e}."
        return _refuse(request, messages.refusal(shown, verdict, why, width=_width(request)))
    if wait <= 0:
        record("confirm", "refused", rules, confirmed="no-terminal", approval=rid)
        return _refuse(request, messages.refusal(shown, verdict, NO_TERMINAL, width=_width(request),
                                                 approval=(rid, approvals.duration(ttl))))
    approve = f"guardsh approve {rid}"
    _tell(f"guardsh: waiting up to {wait} s for a human to approve this; nothing has run yet.\n"
          f"{messages.describe(shown, verdict, _width(request))}\nAsk your human to run `{approve}` in their own "
          "terminal; it runs as soon as they approve.\n")
    approvals.notify("guardsh: a command waits for approval", messages.visible(f"{approve}\n{shown[:200]}"))
    try:
        approval = approvals.wait_for_approval(key, wait)
    except KeyboardInterrupt:
        approval = None
    if not approval:
        record("confirm", "refused", rules, confirmed="not-approved-in-time", approval=rid)
        return _refuse(request, messages.refusal(shown, verdict, f"No human approved it within {wait} s.",
                                                 approval=(rid, approvals.duration(ttl)), width=_width(request)))
    _tell(f"guardsh: approved ({rid}); running it.\n")
    record("confirm", "allowed", rules, confirmed="approved", approval=approval.get("id"),
           approved_by=approval.get("by"))
    return Outcome("allow")


def _refuse(request: Request, text: str) -> Outcome:
    from .messages import visible

    text = visible(text)
    if request.channel != HOOK:
        _tell(text + "\n")
    return Outcome("deny", text)


def _tell(text: str) -> None:
    from .messages import visible

    sys.stderr.write(visible(text))
    sys.stderr.flush()


def _width(request: Request) -> int | None:
    """Wrap what goes to stderr at its terminal's width, if a human reads it
    there; an agent (a pipe, a hook) reads each line of the command whole."""
    if request.channel == HOOK:
        return None
    from .tty import terminal_width

    return terminal_width(sys.stderr)


def _cwd() -> str | None:
    import os

    try:
        return os.getcwd()
    except OSError:
        return None


def _tty_name() -> str | None:
    import os

    try:
        return os.ttyname(0)
    except OSError:
        return None
