"""`guardsh doctor`: check the installation as the user has it, and say what is wrong in
plain words: one line a check (ok / FAIL / -- for "not applicable"), and under a FAIL what
to do. Exit 0 only when nothing failed.

What it checks: guardsh on PATH (and that it is this one); the rules load; the audit log
can be written; and for each agent found (frontends/agents.py: its programs on PATH or its
configuration directory), that its hook or its shell setting points at this guardsh, that
Codex trusts the hook, and, where guardsh is the agent's shell, that the start-up snapshot
the agent would build from the user's own rc files passes (the agent's captured snapshot
script, agent_snapshots/, judged as guardsh would judge it when the agent runs it)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys

from .. import exits, paths
from .agents import AGENTS, Agent
from . import setup

SNAPSHOT_SCRIPTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "agent_snapshots")


class Report:
    def __init__(self) -> None:
        self.failures = 0

    def ok(self, what: str) -> None:
        print(f"ok    {what}")

    def skip(self, what: str) -> None:
        print(f"--    {what}")

    def fail(self, what: str, fix: str) -> None:
        self.failures += 1
        print(f"FAIL  {what}")
        for line in fix.splitlines():
            print(f"        {line}")


def same(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def run_doctor() -> int:
    report = Report()
    this = _this_guardsh(report)
    _check_rules(report)
    _check_audit_log(report)
    for agent in AGENTS.values():
        _check_agent(report, agent, this)
    print("All checks passed." if not report.failures else
          f"{report.failures} check{'s' if report.failures > 1 else ''} failed: see FAIL above.")
    return exits.OK if not report.failures else exits.FAILED


def _this_guardsh(report: Report) -> str | None:
    try:
        this = setup.guardsh_launcher()
    except setup.SetupError:
        this = None
    on_path = shutil.which("guardsh")
    if not on_path:
        where = os.path.dirname(this) if this else "~/.local/bin"
        report.fail("guardsh is not on PATH",
                    f"Add its directory to PATH (in ~/.profile): export PATH=\"{where}:$PATH\"")
    elif this and not same(on_path, this):
        report.fail(f"guardsh on PATH is {on_path}, not this one ({this})",
                    "Agents set up from here run this one; re-run ./install.sh, or put this one first on PATH.")
    else:
        report.ok(f"guardsh on PATH: {on_path}")
    return this or on_path


def _check_rules(report: Report) -> None:
    from ..policy.load import load_ruleset
    from ..policy.schema import ConfigError

    try:
        rules = load_ruleset()
    except ConfigError as e:
        report.fail("the rules do not load, so guardsh refuses every command", f"{e}\nFix it; `guardsh rules check` "
                    "checks again.")
        return
    report.ok(f"rules load: {len(rules.rules)} rules from {len(rules.files)} files")


def _check_audit_log(report: Report) -> None:
    log = paths.audit_log()
    try:
        os.makedirs(os.path.dirname(log), exist_ok=True)
        with open(log, "a", encoding="utf-8"):
            pass
    except OSError as e:
        report.fail(f"the audit log {log} cannot be written: {e.strerror or e}",
                    f"Make {os.path.dirname(log)} writable by you (guardsh records every decision there).")
        return
    report.ok(f"audit log writable: {log}")


# --- agents -----------------------------------------------------------------------


def _check_agent(report: Report, agent: Agent, this: str | None) -> None:
    programs = [shutil.which(p) for p in agent.programs]
    found = [p for p in programs if p]
    config = agent.config_path()
    if not found and not os.path.isdir(os.path.dirname(config)):
        report.skip(f"{agent.name}: not found (no {' or '.join(agent.programs) or 'program'} on PATH, "
                    f"no {os.path.dirname(config)})")
        return
    hook = _check_hook(report, agent, config, this)
    shell = _check_shell(report, agent, config, this)
    if not hook and not shell:
        report.fail(f"{agent.name}: guardsh is neither its hook nor its shell: its commands run unchecked",
                    f"Run: guardsh setup {agent.id}")


def _check_hook(report: Report, agent: Agent, config: str, this: str | None) -> bool:
    """Is guardsh's hook in the agent's file, running this guardsh, for every shell tool?"""
    try:
        data = setup.read_config(config)
    except setup.UnreadableConfig as e:
        report.fail(f"{agent.name}: {e}", "Fix the file; then `guardsh setup " + agent.id + "`.")
        return False
    hooks = data.get("hooks") if isinstance(data.get("hooks"), dict) else {}
    groups = hooks.get(agent.event) if isinstance(hooks.get(agent.event), list) else []
    found = []  # (group index, hook index, hook, matcher)
    if agent.matcher is None:
        found = [(0, i, h, None) for i, h in enumerate(groups)
                 if isinstance(h, dict) and setup._is_guardsh_hook(h.get("command"), agent.id)]
    else:
        for g, group in enumerate(groups):
            for i, h in enumerate(group.get("hooks") or [] if isinstance(group, dict) else []):
                if isinstance(h, dict) and setup._is_guardsh_hook(h.get("command"), agent.id):
                    found.append((g, i, h, group.get("matcher")))
    if not found:
        return False
    ok = True
    for g, i, h, matcher in found:
        program = shlex.split(h["command"])[0]
        if not same(program, this):
            ok = False
            report.fail(f"{agent.name}: its hook runs {program}, which is {'not this guardsh' if os.path.exists(program) else 'missing'}"
                        + (f" ({this})" if this else ""), f"Run: guardsh setup {agent.id}   (it points the hook here)")
            continue
        missed = [t for t in agent.shell_tools or () if not _matches(matcher, t)]
        if missed:
            ok = False
            report.fail(f"{agent.name}: its hook's matcher {matcher!r} misses {', '.join(missed)}, which runs "
                        "shell commands too", f"Run: guardsh setup {agent.id}   (it widens guardsh's matcher)")
            continue
        if agent.trust == "codex-app-server" and not _codex_trusted(report, agent, config, h["command"], g, i):
            ok = False
            continue
        report.ok(f"{agent.name}: hook in {config} runs this guardsh")
    return ok


def _matches(matcher, tool: str) -> bool:
    if matcher in (None, "", "*"):
        return True
    try:
        return re.fullmatch(matcher, tool) is not None
    except re.error:
        return matcher == tool


def _codex_trusted(report: Report, agent: Agent, config: str, command: str, group: int, index: int) -> bool:
    """Codex skips an untrusted hook silently. Ask Codex (hooks/list) when it can be run; else
    read config.toml's [hooks.state] for the hook's key, which says only that it was trusted
    once (Codex alone knows whether the hash still matches)."""
    from . import codex

    program = codex.find_codex()
    if program:
        try:
            mine = codex.own_hooks(codex.list_hooks(os.getcwd(), program), command, config)
        except codex.CodexUnavailable as e:
            report.fail(f"{agent.name}: could not ask Codex whether it trusts the hook: {e}",
                        f"Check by hand: {codex.MANUAL_STEP}.")
            return False
        if mine and all(codex.runs(h) for h in mine):
            report.ok(f"{agent.name}: Codex trusts the hook (asked Codex: hooks/list says "
                      f"{', '.join(h['trustStatus'] for h in mine)})")
            return True
        status = ", ".join(f"{h.get('trustStatus')}{'' if h.get('enabled', True) else ' and disabled'}"
                           for h in mine) or "not listed"
        report.fail(f"{agent.name}: Codex will not run guardsh's hook: it is {status} (asked Codex: hooks/list)",
                    f"Run: guardsh setup codex   (it asks Codex to trust it), or {codex.MANUAL_STEP}.")
        return False
    key = f"{config}:pre_tool_use:{group}:{index}"
    state = _codex_state(os.path.join(os.path.dirname(config), "config.toml")).get(key)
    if isinstance(state, dict) and state.get("trusted_hash") and state.get("enabled", True) is not False:
        report.ok(f"{agent.name}: config.toml records trust for the hook (Codex not found to ask; whether "
                  "the recorded hash still matches is Codex's to say)")
        return True
    report.fail(f"{agent.name}: no trust recorded for guardsh's hook in config.toml ([hooks.state.\"{key}\"]; "
                "Codex not found to ask): Codex skips an untrusted hook silently",
                f"Put codex on PATH and run: guardsh setup codex   or {codex.MANUAL_STEP}.")
    return False


def _codex_state(config_toml: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        with open(config_toml, "rb") as fh:
            hooks = tomllib.load(fh).get("hooks") or {}
    except (OSError, ValueError):
        return {}
    state = hooks.get("state") if isinstance(hooks, dict) else None
    return state if isinstance(state, dict) else {}


def _check_shell(report: Report, agent: Agent, config: str, this: str | None) -> bool:
    """Is guardsh the agent's shell, by the agent's own way of choosing one?"""
    if agent.shell_via == "settings-env":
        try:
            env = setup.read_config(config).get("env")
        except setup.UnreadableConfig:
            return False
        shell = env.get("CLAUDE_CODE_SHELL") if isinstance(env, dict) else None
        shell = shell or os.environ.get("CLAUDE_CODE_SHELL")
        if not shell or not same(shell, this):
            return False
        if "bash" not in shell or "zsh" in shell:
            report.fail(f"{agent.name}: CLAUDE_CODE_SHELL={shell} is guardsh, but Claude Code ignores a shell "
                        "whose path does not contain \"bash\"", "Run: guardsh setup claude-code --shell")
            return True
        report.ok(f"{agent.name}: its shell (CLAUDE_CODE_SHELL) is this guardsh: {shell}")
    elif agent.shell_via == "login-shell":
        import pwd

        shell = pwd.getpwuid(os.getuid()).pw_shell
        if not same(shell, this):
            return False
        stem = os.path.basename(shell).split(".")[0]
        if stem not in ("bash", "zsh"):
            report.fail(f"{agent.name}: your login shell {shell} is guardsh, but Codex ignores a login shell "
                        "not named bash or zsh (it runs /usr/bin/bash instead)",
                        "Run: guardsh setup codex --shell   (it makes a link named bash and says how to use it)")
            return True
        report.ok(f"{agent.name}: its shell (your login shell) is this guardsh: {shell}")
    elif agent.shell_via == "path":
        shell = shutil.which("bash")
        if not same(shell, this):
            return False
        report.ok(f"{agent.name}: `bash` on PATH is this guardsh: {shell}")
    else:
        return False
    _check_snapshot(report, agent)
    return True


def _check_snapshot(report: Report, agent: Agent) -> None:
    """The snapshot script the agent runs through its shell once a session (sourcing the
    user's ~/.bashrc), judged here as guardsh will judge it then."""
    script = os.path.join(SNAPSHOT_SCRIPTS, f"{agent.id}.sh")
    if not os.path.exists(script):
        return
    home = os.path.expanduser("~")
    with open(script, encoding="utf-8") as fh:
        text = fh.read()
    for placeholder, value in (("$HOME", home), ("$AGENT_CACHE", "/nonexistent/agent"), ("$ID", "0-doctor"),
                               ("CLAUDE_CODE_END_$RANDOM", "CLAUDE_CODE_END_doctor")):
        text = text.replace(placeholder, value)
    from ..engine import judge
    from ..policy.load import load_ruleset
    from ..policy.schema import ConfigError

    try:
        verdict = judge(text, load_ruleset(), cwd=home)
    except ConfigError:
        return  # said above
    if not verdict.blocked:
        report.ok(f"{agent.name}: its start-up snapshot of your ~/.bashrc passes")
        return
    why = "; ".join(f"{m.rule.id}: {m.detail}" if m.detail else m.rule.id
                    for m in verdict.matches[:3]) if verdict.matches else verdict.decision
    report.fail(f"{agent.name}: guardsh would refuse its start-up snapshot of your ~/.bashrc ({why}); "
                f"{agent.name} then runs every command without your PATH, aliases and functions",
                "See what matched: guardsh check \"$(cat ~/.bashrc)\"; change that line, or allow it in "
                "~/.config/guardsh/rules.toml.")
