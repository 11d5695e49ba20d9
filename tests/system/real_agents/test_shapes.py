"""What the real agents send to their shell and to their hooks, recorded with nothing in the
way: a recording `bash` (which then execs the real bash) as the agent's shell, and the
recording guardsh launcher as its hook. The shapes are kept in shapes/<agent>-<version>/ for
guardsh's own tests and for the eye; the ones the agent alone decides (its snapshot script,
its per-command wrapper, its hook payloads, its shell tools) are compared with the kept copy,
so a new agent release that changes them fails here. Set GUARDSH_UPDATE_SHAPES=1 to rewrite
the kept copy, and review the diff."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from harness import (CACHE, PINNED, SHAPES, World, claude_env, codex_env, codex_hooks, gemini_env,
                     make_recording_bash, recorded, run_agent, run_claude, run_codex, trust_codex_hooks)

UPDATE = os.environ.get("GUARDSH_UPDATE_SHAPES") == "1"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def normalize(text: str, world: World) -> str:
    """The same shape, whatever the test's temporary paths and the session's random ids."""
    text = text.replace(re.sub(r"[^A-Za-z0-9]", "-", str(world.project)), "$PROJECT_SLUG")  # Claude's transcripts
    for path, name in ((CACHE, "$AGENT_CACHE"), (world.home, "$HOME"), (world.root, "$ROOT")):
        text = text.replace(str(path), name)
    text = re.sub(r"CLAUDE_CODE_END_[a-z0-9]+", "CLAUDE_CODE_END_$RANDOM", text)  # a heredoc's delimiter
    text = UUID.sub("$UUID", text)
    text = re.sub(r"session-\d{4}-\d\d-\d\dT\d\d-\d\d-[0-9a-f]{8}", "session-$DATETIME-$ID", text)  # Gemini's
    text = re.sub(r"snapshot-bash-\d+-[a-z0-9]+", "snapshot-bash-$ID", text)
    text = re.sub(r"claude-[0-9a-f]{4}-cwd", "claude-$XXXX-cwd", text)
    text = re.sub(r"(\$UUID\.(?:tmp-)?)\d+", r"\1$N", text)
    text = re.sub(r"\b1[0-9]{9}(\.[0-9]+)?\b", "$TIME", text)  # epoch seconds in a payload
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d", "$DATETIME", text)  # Codex's transcript file name
    text = re.sub(r"/\d{4}/\d\d/\d\d/", "/$YEAR/$MONTH/$DAY/", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "$DATETIME", text)  # Gemini's timestamp
    text = re.sub(r"gemini-shell-[A-Za-z0-9]{6}", "gemini-shell-$RANDOM", text)
    return text


class Shapes:
    def __init__(self, agent: str):
        self.dir = SHAPES / f"{agent}-{PINNED[agent][1]}"
        self.mismatches: list[str] = []

    def keep(self, name: str, text: str, compare: bool) -> None:
        """Save `name` (UPDATE) or, if `compare`, check it against the kept copy."""
        path = self.dir / name
        if UPDATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        elif compare:
            if not path.exists():
                self.mismatches.append(f"{path} is missing")
            elif path.read_text() != text:
                self.mismatches.append(f"{path} differs from what the agent sent now")

    def check(self) -> None:
        assert not self.mismatches, (
            "the agent's shapes changed (a new release?); rerun with GUARDSH_UPDATE_SHAPES=1 and review "
            "the diff:\n  " + "\n  ".join(self.mismatches))


def as_json(value) -> str:
    return json.dumps(value, indent=1, sort_keys=True) + "\n"


def calls_as_shapes(calls: list[dict], world: World) -> list[dict]:
    """Each shell invocation; an argument longer than 3,000 characters is cut (it is kept
    whole in its own file: the snapshot script, the per-command wrapper)."""
    def arg(text: str) -> str:
        text = normalize(text, world)
        return text if len(text) <= 3000 else f"{text[:1500]}\n... [{len(text)} characters in all]"
    return [{"argv0": c["argv0"], "argv": [arg(a) for a in c["argv"]], "cwd": normalize(c["cwd"], world),
             "env_names": c["env"]} for c in calls]


def copied_file(calls: list[dict], pattern: str) -> str:
    """A file the agent's command line named, as the recorder copied it when the agent ran
    (the agents delete their snapshots when the session ends)."""
    found = [copy for c in calls for original, copy in c["files"].items() if re.search(pattern, original)]
    assert found, f"no file matching {pattern} was named to the shell"
    return Path(found[-1]).read_text()


def payloads(calls: list[dict], world: World) -> list[dict]:
    return [json.loads(normalize(c["stdin"], world)) for c in calls if c["argv"][:1] == ["hook"]]


def test_claude_code_shapes(world, claude):
    bash_log, bash_files = world.root / "bash-calls.jsonl", world.root / "bash-files"
    bash = make_recording_bash(world.root / "shell", bash_log, bash_files)
    env = claude_env(world, CLAUDE_CODE_SHELL=str(bash))
    world.guardsh("setup", "claude-code", env=env)
    run = run_claude(world, claude, [{"command": "echo hello-from-agent; ls"}, {"command": "grep -rn 2 data"},
                                     {"command": "rm -rf data"}], env=env)
    assert not run.timed_out and run.returncode == 0, run.describe()
    calls = recorded(bash_log)
    shapes = Shapes("claude-code")

    shapes.keep("shell-calls.json", as_json(calls_as_shapes(calls, world)), compare=False)
    [start_up] = [c["argv"] for c in calls if c["argv"][:2] == ["-c", "-l"] and "SNAPSHOT_FILE=" in c["argv"][2]]
    shapes.keep("snapshot-script.sh", normalize(start_up[2], world), compare=True)
    assert any(c["argv"] == ["-c", "env"] for c in calls), "Claude Code no longer runs `SHELL -c env` at start"
    [wrapper] = [c["argv"] for c in calls if "eval 'echo hello-from-agent; ls'" in c["argv"][-1]]
    shapes.keep("command-wrapper.sh", normalize(wrapper[-1], world) + "\n", compare=True)
    assert wrapper[:-1] == ["-c", "-l"] or wrapper[:-1] == ["-c"], wrapper
    snapshot = copied_file(calls, r"/shell-snapshots/snapshot-bash-.*\.sh$")
    # The snapshot depends on the host's rc files and PATH: kept to read, not compared.
    shapes.keep("snapshot.sh", normalize(snapshot, world), compare=False)
    assert re.search(r"exec -a (ugrep|bfs|rg) ", snapshot), "the grep/find/rg shims changed"

    hooks = payloads(world.calls(), world)
    assert [p["tool_input"]["command"] for p in hooks] == ["echo hello-from-agent; ls", "grep -rn 2 data",
                                                              "rm -rf data"]
    shapes.keep("hook-payloads.json", as_json(hooks), compare=True)
    [tools] = [r["body"]["tools"] for r in run.requests[:1]]
    [bash_tool] = [t for t in tools if t["name"] == "Bash"]
    shapes.keep("bash-tool.json", as_json(bash_tool["input_schema"]), compare=True)
    shapes.keep("tool-names.json", as_json(sorted(t["name"] for t in tools)), compare=False)
    shapes.check()


CODEX_ALL_TOOLS_HOOK = {"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": "{guardsh} hook codex"}]}]}}


def test_codex_shapes(world, codex):
    """A PreToolUse hook with no matcher, so every tool Codex announces to hooks is seen
    (write_stdin included, if it ever is), trusted through Codex's app-server."""
    bash_log, bash_files = world.root / "bash-calls.jsonl", world.root / "bash-files"
    bash = make_recording_bash(world.root / "shell", bash_log, bash_files)
    env = codex_env(world)
    hooks_json = json.dumps(CODEX_ALL_TOOLS_HOOK).replace("{guardsh}", str(world.launcher))
    (world.home / ".codex/hooks.json").write_text(hooks_json)
    shapes = Shapes("codex")
    before = codex_hooks(world, codex)
    after = trust_codex_hooks(world, codex)
    trust = (world.home / ".codex/config.toml").read_text().split("[hooks.state]", 1)[1]
    shapes.keep("hook-trust.json", as_json({"hooks/list before": json.loads(normalize(json.dumps(before), world)),
                                            "hooks/list after": json.loads(normalize(json.dumps(after), world)),
                                            "config.toml after": "[hooks.state]" + normalize(trust, world)}),
                compare=False)
    run = run_codex(world, codex, [
        {"command": "echo hello-from-agent; ls"},
        {"call": "exec_command", "args": {"cmd": "python3 -i -q", "tty": True, "yield_time_ms": 1500}},
        {"call": "write_stdin", "args": {"session_id": "$SESSION", "chars": "print(6 * 7)\n", "yield_time_ms": 1000}},
        {"call": "write_stdin", "args": {"session_id": "$SESSION", "chars": "exit()\n", "yield_time_ms": 1000}},
    ], login_shell=bash)
    assert not run.timed_out and run.returncode == 0, run.describe()
    calls = recorded(bash_log)
    shapes.keep("shell-calls.json", as_json(calls_as_shapes(calls, world)), compare=False)
    [start_up] = [c["argv"] for c in calls if c["argv"][0] == "-lc" and "# Snapshot file" in c["argv"][1]]
    shapes.keep("snapshot-script.sh", normalize(start_up[1], world), compare=True)
    [check] = [c["argv"] for c in calls if c["argv"][1].startswith("set -e; . ")]
    shapes.keep("snapshot-check.sh", normalize(check[1], world) + "\n", compare=True)
    wrappers = [c["argv"] for c in calls if "__CODEX_SNAPSHOT_OVERRIDE" in c["argv"][-1]]
    assert wrappers, "Codex no longer wraps each command around its snapshot"
    shapes.keep("command-wrapper.sh", normalize(wrappers[0][-1], world) + "\n", compare=True)
    snapshot = copied_file(calls, r"/shell_snapshots/[^/]*\.sh$")
    shapes.keep("snapshot.sh", normalize(snapshot, world), compare=False)

    hooks = payloads(world.calls(), world)
    shapes.keep("hook-payloads.json", as_json(hooks), compare=True)
    tools = {t.get("name"): t for t in run.requests[0]["body"]["tools"]}
    shapes.keep("shell-tools.json", as_json({name: tools[name].get("parameters") for name in
                                             ("exec_command", "write_stdin")}), compare=True)
    shapes.keep("tool-names.json", as_json(sorted(str(name) for name in tools)), compare=False)
    shapes.check()


def test_gemini_cli_shapes(world, gemini):
    """Gemini CLI has no shell setting: it runs `bash` from PATH, where the recording bash is put."""
    bash_log, bash_files = world.root / "bash-calls.jsonl", world.root / "bash-files"
    bash = make_recording_bash(world.root / "shell", bash_log, bash_files)
    env = gemini_env(world)
    env["PATH"] = f"{bash.parent}:{env['PATH']}"
    world.guardsh("setup", "gemini", env=env)
    run = run_agent([gemini, "-p", "Run the command.", "--yolo"], env, world.project,
                    [{"command": "echo hello-from-agent; ls"}], world.work)
    assert not run.timed_out and run.returncode == 0, run.describe()
    shapes = Shapes("gemini")
    calls = recorded(bash_log)
    shapes.keep("shell-calls.json", as_json(calls_as_shapes(calls, world)), compare=False)
    assert any("echo hello-from-agent; ls" in " ".join(c["argv"]) for c in calls), "Gemini CLI ran no bash from PATH"
    hooks = payloads(world.calls(), world)
    assert [p["tool_input"]["command"] for p in hooks] == ["echo hello-from-agent; ls"], hooks
    shapes.keep("hook-payloads.json", as_json(hooks), compare=True)
    tools = [f for t in run.requests[-1]["body"]["tools"] for f in t.get("functionDeclarations") or []]
    [shell_tool] = [f for f in tools if f["name"] == "run_shell_command"]
    shapes.keep("shell-tool.json", as_json(shell_tool), compare=True)
    shapes.keep("tool-names.json", as_json(sorted(f["name"] for f in tools)), compare=False)
    shapes.check()
