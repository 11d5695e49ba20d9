"""`guardsh hook AGENT`: answer an agent's pre-command hook.

The agent writes one JSON object on stdin describing the shell command it is
about to run; guardsh judges the command exactly as `guardsh -c` would (same
rules, the agent's working directory) and answers in that agent's own format.
Each agent's event, shell tools, and whether it has an "ask" answer are in its
record in frontends/agents.py (with the sources); `answer` writes the JSON shapes.

What guardsh answers:
- allow: "no opinion" wherever the agent has one, so the agent's own
  permission rules and prompts still apply (Claude Code's "allow" would skip
  its prompt; Codex ignores "allow" without a rewrite anyway). Cursor has no
  silent answer (an empty reply counts as a failed hook, which `failClosed`
  turns into a block), so it gets "allow", which Cursor's allow-list still
  overrides (forum 144244).
- deny rule: deny, with the rules, reasons and matched parts, and the
  instruction to stop and ask the human rather than find another route.
- confirm rule: deny with an approval request (guardsh.approvals: the human
  runs `guardsh approve ID` in their own terminal, then the agent's retry of
  the same command from the same directory is let through once), or,
  with `[settings] hook_confirm = "ask"`, the agent's own prompt where it has
  one (Codex has none: deny).
- input it cannot read (not JSON, wrong shape, no command): exit 2 with the
  reason on stderr, the one block every one of these agents honours whatever
  its version or event; a hook must fail closed.
- another tool (Read, Edit, an MCP call): no opinion, not audited (it is not
  a command; `guardsh setup` registers the hook for shell tools only).
"""

from __future__ import annotations

import json
import os
import sys

from .. import exits
from .agents import AGENTS

class BadInput(Exception):
    """The hook input is not what the agent documents."""


class Call:
    """One shell command the agent is about to run, and where."""

    __slots__ = ("command", "cwd")

    def __init__(self, command: str, cwd: str):
        self.command = command
        self.cwd = cwd


def run_hook(agent: str) -> int:
    if sys.stdin.isatty():
        sys.stderr.write(f"guardsh hook {agent}: reads the JSON {AGENTS[agent].name} sends on stdin; "
                         f"run `guardsh setup {agent}` to install it.\n")
        return exits.HOOK_BLOCK
    raw = sys.stdin.buffer.read()
    try:
        call = read_call(agent, raw)
    except BadInput as e:
        return _refuse_unreadable(agent, str(e), raw)
    if call is None:
        out, code = answer(agent, "allow")  # not a shell command: no opinion, not audited
        sys.stdout.write(out)
        return code
    return _judge_and_answer(agent, call)


def read_call(agent: str, raw: bytes) -> Call | None:
    """The command in the hook input; None for a tool that is not a shell."""
    try:
        payload = json.loads(raw)  # bytes: a UTF-8 BOM (Cursor on Windows) is accepted
    except ValueError as e:
        raise BadInput(f"not JSON: {e}") from None
    if not isinstance(payload, dict):
        raise BadInput(f"expected a JSON object, got {type(payload).__name__}")
    event = payload.get("hook_event_name")
    spec = AGENTS[agent]
    if event is not None and event != spec.event:
        raise BadInput(f"hook_event_name is {event!r}; guardsh answers only {spec.event!r}")
    if spec.shell_tools is None:
        fields = payload
    else:
        tool = payload.get("tool_name")
        if not isinstance(tool, str):
            raise BadInput("no tool_name")
        if tool not in spec.shell_tools:
            return None
        fields = payload.get("tool_input")
        if not isinstance(fields, dict):
            raise BadInput("tool_input is missing or not an object")
    return Call(_command(fields), _cwd(agent, payload, fields))


def _command(fields: dict) -> str:
    command = fields.get("command")
    if isinstance(command, list) and command and all(isinstance(w, str) for w in command):
        import shlex

        return shlex.join(command)  # an argv (Codex's older shell tool): judged as a command line
    if not isinstance(command, str):
        raise BadInput("no command string")
    return command


def _cwd(agent: str, payload: dict, fields: dict) -> str:
    cwd = payload.get("cwd")
    if cwd is not None and not isinstance(cwd, str):
        raise BadInput("cwd is not a string")
    if not cwd and agent == "cursor":  # cwd came later than workspace_roots
        roots = payload.get("workspace_roots")
        cwd = roots[0] if isinstance(roots, list) and roots and isinstance(roots[0], str) else None
    if not cwd:
        cwd = _process_cwd()
    if agent == "gemini":  # run_shell_command's optional directory, relative to the project root
        directory = fields.get("directory")
        if isinstance(directory, str) and directory:
            cwd = os.path.join(cwd, directory)
    return os.path.normpath(cwd)


def _process_cwd() -> str:
    try:
        return os.getcwd()
    except OSError:
        return "/"


def _judge_and_answer(agent: str, call: Call) -> int:
    from ..outcome import gate
    from ..outcome.messages import NO_DETOUR

    request = gate.Request(call.command, gate.HOOK, cwd=call.cwd, via=f"hook {agent}", can_ask=AGENTS[agent].can_ask)
    try:
        ruleset = _load_rules(call.cwd)
    except Exception as e:  # noqa: BLE001 - broken rules (or anything else) must block, not open
        return _emit(agent, gate.unjudged(request, "Its rules are broken, so it cannot judge any command "
                                          f"until they are fixed:\n{e}\nTell your human; they can check the "
                                          "rules with `guardsh rules check`.", error=str(e)))
    try:
        from ..engine import judge

        verdict = judge(call.command, ruleset, cwd=call.cwd)
    except Exception as e:  # noqa: BLE001 - a bug must fail closed
        return _emit(agent, gate.unjudged(request, f"It failed while judging this command ({type(e).__name__}), "
                                          f"so it cannot vouch for it. {NO_DETOUR} Stop and ask your human.",
                                          rules=["shell.internal-error"], error=f"{type(e).__name__}: {e}"))
    return _emit(agent, gate.resolve(verdict, request, ruleset))


def _load_rules(cwd: str):
    """As `guardsh -c` run by the agent in `cwd` would: the packs, the user's
    rules.toml and the project's .guardsh/rules.toml found from `cwd` up."""
    from ..policy.load import find_project_rules, load_ruleset

    return load_ruleset(project_file=find_project_rules(cwd))


def _refuse_unreadable(agent: str, why: str, raw: bytes) -> int:
    from ..outcome import gate

    request = gate.Request(raw[:500].decode("utf-8", "replace"), gate.HOOK, via=f"hook {agent}")
    outcome = gate.unjudged(request, f"It could not read the {AGENTS[agent].name} hook input ({why}), so it "
                            "cannot judge the command. This is a set-up problem, not something to work "
                            f"around: stop and tell your human (`guardsh setup {agent} --print` shows the "
                            "hook entry guardsh expects).", error=f"unreadable hook input: {why}")
    out, _ = answer(agent, outcome.decision, outcome.message)
    sys.stdout.write(out)
    sys.stderr.write(outcome.message + "\n")
    return exits.HOOK_BLOCK


def _emit(agent: str, outcome) -> int:
    out, code = answer(agent, outcome.decision, outcome.message)
    sys.stdout.write(out)
    return code


def answer(agent: str, decision: str, message: str = "") -> tuple[str, int]:
    """(stdout, exit status) that tell `agent` to allow, deny or ask."""
    style = AGENTS[agent].answer_style
    if decision == "ask" and not AGENTS[agent].can_ask:
        decision = "deny"
    if style == "pretooluse":
        if decision == "allow":
            # No permissionDecision: an allow would skip the agent's own permission
            # rules. A kept copy is said in systemMessage (what was kept, `guardsh undo ID`).
            return (_json({"systemMessage": message}) if message else ""), 0
        return _json({"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": decision,
                                             "permissionDecisionReason": message}}), 0
    if style == "cursor":
        if decision == "allow":
            said = {"user_message": message, "agent_message": message} if message else {}
            return _json({"permission": "allow", **said}), 0
        # Both spellings: 1.7-era docs used camelCase, later ones snake_case; a tester saw
        # the model receive user_message on deny, so both messages carry the whole text.
        return _json({"permission": decision, "user_message": message, "agent_message": message,
                      "userMessage": message, "agentMessage": message}), 0
    if style == "gemini":
        if decision == "allow":  # stdout must be JSON on exit 0; "{}" is the docs' own no-op answer
            return (_json({"systemMessage": message}) if message else "{}\n"), 0
        return _json({"decision": decision, "reason": message}), 0
    raise ValueError(f"unknown agent {agent!r}")


def _json(value: dict) -> str:
    return json.dumps(value) + "\n"  # ASCII: safe whatever the locale, and for undecodable bytes
