"""`guardsh hook AGENT` fed the hook input each agent documents, through the
real command line: ordinary commands get the agent's "no opinion" answer,
confirm and deny rules block with the reason and what to do, and anything
guardsh cannot read is blocked (fail closed).

The payloads are the documented examples: Claude Code's PreToolUse input
(code.claude.com/docs/en/hooks), Codex's (openai/codex
codex-rs/hooks/src/events/pre_tool_use.rs), Cursor's beforeShellExecution
input (cursor.com/docs/agent/hooks), and Gemini CLI's BeforeTool input built
from its field list (geminicli.com/docs/hooks/reference, which gives no
literal example). Only `command` and `cwd` are replaced per test."""

from __future__ import annotations

import json
import re

import pytest

from helpers import run_guardsh, write_rules

CLAUDE_CODE = """{
  "session_id": "abc123",
  "prompt_id": "550e8400-e29b-41d4-a716-446655440000",
  "transcript_path": "/home/user/.claude/projects/.../transcript.jsonl",
  "cwd": "/home/user/my-project",
  "scratchpad_dir": "/tmp/claude-1000/-home-user-my-project/abc123/scratchpad",
  "permission_mode": "default",
  "hook_event_name": "PreToolUse",
  "tool_name": "Bash",
  "tool_input": {
    "command": "npm test",
    "description": "Run test suite",
    "timeout": 120000,
    "run_in_background": false
  },
  "tool_use_id": "toolu_01ABC123..."
}"""

CODEX = """{
  "session_id": "<thread id>",
  "turn_id": "<turn id>",
  "transcript_path": "/path/to/transcript.jsonl",
  "cwd": "/abs/cwd",
  "hook_event_name": "PreToolUse",
  "model": "gpt-5",
  "permission_mode": "default",
  "tool_name": "Bash",
  "tool_input": { "command": "rm -f /tmp/example" },
  "tool_use_id": "call_..."
}"""

CURSOR = """{
  "conversation_id": "string",
  "generation_id": "string",
  "model": "string",
  "hook_event_name": "beforeShellExecution",
  "cursor_version": "1.7.2",
  "workspace_roots": ["<path>"],
  "user_email": "string | null",
  "command": "<full terminal command>",
  "cwd": "<current working directory>"
}"""

GEMINI = """{
  "session_id": "s-1",
  "transcript_path": "/home/user/.gemini/tmp/chats/session.json",
  "cwd": "/home/user/my-project",
  "hook_event_name": "BeforeTool",
  "timestamp": "2026-01-01T00:00:00Z",
  "tool_name": "run_shell_command",
  "tool_input": {"command": "ls", "description": "List files"}
}"""

DOCUMENTED = {"claude-code": CLAUDE_CODE, "codex": CODEX, "cursor": CURSOR, "gemini": GEMINI}
AGENTS = list(DOCUMENTED)


def payload(agent: str, command: str, cwd, **changes) -> bytes:
    data = json.loads(DOCUMENTED[agent])
    if agent == "cursor":
        data["command"] = command
        data["workspace_roots"] = [str(cwd)]
    else:
        data["tool_input"]["command"] = command
    data["cwd"] = str(cwd)
    data.update(changes)
    return json.dumps(data).encode()


def hook(agent: str, home, data: bytes):
    return run_guardsh(["hook", agent], home, input=data)


def decision(agent: str, result) -> tuple[str, str]:
    """(allow|deny|ask, message) read back the way the agent reads the answer."""
    assert result.returncode == 0, result.stderr
    if agent in ("claude-code", "codex") and result.stdout == b"":
        return "allow", ""
    out = json.loads(result.stdout)
    if agent in ("claude-code", "codex"):
        specific = out["hookSpecificOutput"]
        assert specific["hookEventName"] == "PreToolUse"
        return specific["permissionDecision"], specific["permissionDecisionReason"]
    if agent == "cursor":
        if out["permission"] != "allow":
            assert out["user_message"] == out["userMessage"] == out["agent_message"] == out["agentMessage"]
        return out["permission"], out.get("agent_message", "")
    if out == {}:
        return "allow", ""
    return out["decision"], out["reason"]


def audit_entries(home) -> list[dict]:
    path = home / ".local/state/guardsh/audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []



@pytest.mark.parametrize("agent", AGENTS)
def test_ordinary_command_gets_no_opinion(agent, isolated_home, project):
    result = hook(agent, isolated_home, payload(agent, "git status && npm test", project))
    assert decision(agent, result) == ("allow", "")
    # Claude Code and Codex: silence (their own permission prompts still apply); Cursor
    # needs an answer (an empty one is a failed hook); Gemini's stdout must be JSON.
    expected = {"claude-code": b"", "codex": b"", "cursor": b'{"permission": "allow"}\n', "gemini": b"{}\n"}
    assert result.stdout == expected[agent]
    [entry] = audit_entries(isolated_home)
    assert (entry["decision"], entry["outcome"], entry["via"], entry["cwd"]) == (
        "allow", "allowed", f"hook {agent}", str(project))


@pytest.mark.parametrize("agent", ["claude-code", "codex", "gemini"])  # Cursor's doc has placeholders
def test_documented_example_commands_are_allowed(agent, isolated_home):
    result = hook(agent, isolated_home, DOCUMENTED[agent].encode())
    assert decision(agent, result)[0] == "allow"


@pytest.mark.parametrize("agent", AGENTS)
def test_confirm_rule_is_denied_with_reason_and_what_to_do(agent, isolated_home, project):
    result = hook(agent, isolated_home, payload(agent, "rm -rf ~", project))
    verdict, message = decision(agent, result)
    assert verdict == "deny"
    assert "nothing was run" in message and "fs.rm-recursive" in message and "rm -rf ~" in message
    assert "Do not look for another way" in message and "ask your human" in message
    [entry] = audit_entries(isolated_home)
    assert (entry["decision"], entry["outcome"], entry["rules"], entry["via"]) == (
        "confirm", "refused", ["fs.rm-recursive"], f"hook {agent}")


@pytest.mark.parametrize("agent", AGENTS)
def test_deny_rule_is_denied_outright(agent, isolated_home, project):
    write_rules(isolated_home, '[actions]\n"git.push-force" = "deny"\n')
    result = hook(agent, isolated_home, payload(agent, "git push --force origin main", project))
    verdict, message = decision(agent, result)
    assert verdict == "deny"
    assert "denies it outright" in message and "git.push-force" in message
    assert "guardsh approve" not in message  # a deny rule cannot be approved
    assert audit_entries(isolated_home)[-1]["decision"] == "deny"


@pytest.mark.parametrize("agent,expected", [("claude-code", "ask"), ("cursor", "ask"), ("gemini", "ask"),
                                            ("codex", "deny")])
def test_hook_confirm_ask_hands_confirm_rules_to_the_agents_prompt(agent, expected, isolated_home, project):
    write_rules(isolated_home, '[settings]\nhook_confirm = "ask"\n')
    result = hook(agent, isolated_home, payload(agent, "rm -rf ~", project))
    verdict, message = decision(agent, result)
    assert verdict == expected  # Codex has no "ask": it is refused instead
    assert "fs.rm-recursive" in message
    if agent == "claude-code":  # shown to the human at Claude Code's prompt
        assert json.loads(result.stdout)["hookSpecificOutput"]["permissionDecisionReason"].startswith("guardsh:")


def test_hook_confirm_ask_still_denies_deny_rules(isolated_home, project):
    write_rules(isolated_home, '[settings]\nhook_confirm = "ask"\n[actions]\n"fs.rm-recursive" = "deny"\n')
    result = hook("claude-code", isolated_home, payload("claude-code", "rm -rf ~", project))
    assert decision("claude-code", result)[0] == "deny"


def test_hook_confirm_rejects_other_values(isolated_home):
    from guardsh.policy.load import load_ruleset
    from guardsh.policy.schema import ConfigError

    write_rules(isolated_home, '[settings]\nhook_confirm = "asks"\n')
    with pytest.raises(ConfigError) as err:
        load_ruleset()
    assert err.value.problems == [f"{isolated_home}/.config/guardsh/rules.toml:2: settings: key 'hook_confirm': "
                                  "must be one of deny, ask, not 'asks' (did you mean 'ask'?)"]


@pytest.mark.parametrize("agent", AGENTS)
def test_broken_rules_deny_every_command(agent, isolated_home, project):
    write_rules(isolated_home, "[settings]\nconfirm_timeout = \n")
    result = hook(agent, isolated_home, payload(agent, "ls", project))
    verdict, message = decision(agent, result)
    assert verdict == "deny"
    assert "rules are broken" in message and "rules.toml:2: TOML syntax" in message


def test_project_rules_are_found_from_the_payloads_cwd(isolated_home, tmp_path):
    """The hook process runs wherever the agent starts it; the command runs in the payload's cwd."""
    repo = tmp_path / "repo"
    (repo / ".guardsh").mkdir(parents=True)
    (repo / ".git").mkdir()
    (repo / ".guardsh/rules.toml").write_text(
        '[[rule]]\nid = "local.make-deploy"\naction = "deny"\nreason = "Deploys to production."\n'
        'examples.match = ["make deploy"]\nexamples.allow = ["make build"]\n'
        '[[rule.match]]\nprogram = "make"\nargs = "^deploy$"\n')
    result = hook("claude-code", isolated_home, payload("claude-code", "make deploy", repo))
    verdict, message = decision("claude-code", result)
    assert verdict == "deny" and "local.make-deploy" in message
    assert audit_entries(isolated_home)[-1]["cwd"] == str(repo)
    other = hook("claude-code", isolated_home, payload("claude-code", "make deploy", isolated_home / "project"))
    assert decision("claude-code", other)[0] == "allow"


def test_gemini_directory_argument_is_where_the_command_runs(isolated_home, project):
    data = json.loads(payload("gemini", "ls", project))
    data["tool_input"]["directory"] = "sub"
    hook("gemini", isolated_home, json.dumps(data).encode())
    assert audit_entries(isolated_home)[-1]["cwd"] == str(project / "sub")


def test_cursor_input_with_a_byte_order_mark_is_read(isolated_home, project):
    result = hook("cursor", isolated_home, b"\xef\xbb\xbf" + payload("cursor", "rm -rf ~", project))
    assert decision("cursor", result)[0] == "deny"


MALFORMED = [
    ("not json", b"rm -rf ~"),
    ("empty", b""),
    ("array", b'["rm -rf ~"]'),
    ("no tool_input", json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Bash"}).encode()),
    ("no command", json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Bash",
                               "tool_input": {"description": "x"}}).encode()),
    ("command not a string", json.dumps({"tool_name": "Bash", "tool_input": {"command": 42}}).encode()),
    ("no tool_name", json.dumps({"hook_event_name": "PreToolUse", "tool_input": {"command": "ls"}}).encode()),
    ("other event", json.dumps({"hook_event_name": "PostToolUse", "tool_name": "Bash",
                                "tool_input": {"command": "ls"}}).encode()),
    ("cwd not a string", json.dumps({"tool_name": "Bash", "tool_input": {"command": "ls"}, "cwd": 3}).encode()),
]


@pytest.mark.parametrize("name,data", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_unreadable_input_blocks_claude_code(name, data, isolated_home):
    result = hook("claude-code", isolated_home, data)
    # Exit 2 with the reason on stderr blocks in every agent, whatever the event.
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "refused; nothing was run" in err and "could not read the Claude Code hook input" in err
    [entry] = audit_entries(isolated_home)
    assert (entry["decision"], entry["outcome"]) == ("deny", "refused")
    assert entry["error"].startswith("unreadable hook input")


@pytest.mark.parametrize("agent,data", [
    ("codex", b"{not json"),
    ("codex", json.dumps({"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": "ls"}).encode()),
    ("cursor", b"{not json"),
    ("cursor", json.dumps({"hook_event_name": "beforeShellExecution", "cwd": "/tmp"}).encode()),
    ("cursor", json.dumps({"hook_event_name": "beforeShellExecution", "command": None}).encode()),
    ("gemini", b"{not json"),
    ("gemini", json.dumps({"hook_event_name": "BeforeTool", "tool_name": "run_shell_command",
                           "tool_input": {}}).encode()),
])
def test_unreadable_input_blocks_every_agent(agent, data, isolated_home):
    result = hook(agent, isolated_home, data)
    assert result.returncode == 2 and b"could not read" in result.stderr
    if result.stdout:  # and whatever the agent reads from stdout says deny too
        out = json.loads(result.stdout)
        assert "allow" not in json.dumps(out)


@pytest.mark.parametrize("agent,tool", [("claude-code", "Read"), ("claude-code", "Write"), ("codex", "apply_patch"),
                                        ("gemini", "read_file")])
def test_other_tools_get_no_opinion(agent, tool, isolated_home, project):
    data = json.loads(payload(agent, "rm -rf ~", project))
    data["tool_name"] = tool
    data["tool_input"] = {"file_path": "/etc/passwd"}
    result = hook(agent, isolated_home, json.dumps(data).encode())
    assert decision(agent, result) == ("allow", "")
    assert audit_entries(isolated_home) == []  # not a command: nothing to record


def test_codex_argv_command_is_judged_as_a_command_line(isolated_home, project):
    data = json.loads(payload("codex", "x", project))
    data["tool_input"]["command"] = ["bash", "-lc", "rm -rf ~"]
    assert decision("codex", hook("codex", isolated_home, json.dumps(data).encode()))[0] == "deny"


def _approvals_available() -> bool:
    try:
        from guardsh.outcome import approvals  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _approvals_available(), reason="guardsh.outcome.approvals is not written yet")
@pytest.mark.pty
def test_an_approval_lets_the_same_command_through_once(isolated_home, project):
    import pexpect

    from helpers import GUARDSH, guardsh_env

    data = payload("claude-code", "rm -rf ~", project)
    verdict, message = decision("claude-code", hook("claude-code", isolated_home, data))
    assert verdict == "deny"
    approval_id = re.search(r"guardsh approve ([A-Z0-9]{6})", message).group(1)
    # The human, in their own terminal:
    env = {k: v for k, v in guardsh_env(isolated_home).items() if k != "GUARDSH_ACTIVE"}
    human = pexpect.spawn(GUARDSH, ["approve", approval_id], cwd=str(project), env=env, timeout=15,
                          encoding="utf-8")
    human.expect(r'Type "([^"]+)" to approve it')
    human.sendline(human.match.group(1))
    human.expect(pexpect.EOF)
    human.close()
    assert human.exitstatus == 0, human.before
    # The agent's retry of the same command from the same directory is let through, once.
    other_directory = payload("claude-code", "rm -rf ~", isolated_home)
    assert decision("claude-code", hook("claude-code", isolated_home, other_directory))[0] == "deny"
    assert decision("claude-code", hook("claude-code", isolated_home, data)) == ("allow", "")
    entry = [e for e in audit_entries(isolated_home) if e.get("via") == "hook claude-code"][-1]
    assert (entry["decision"], entry["outcome"], entry["confirmed"], entry["approval"]) == (
        "confirm", "allowed", "approved", approval_id)
    assert decision("claude-code", hook("claude-code", isolated_home, data))[0] == "deny"


def test_claude_code_monitor_tool_is_judged_like_bash(isolated_home, project):
    """Claude Code's Monitor tool runs a shell command too (through the same snapshot wrapper);
    its PreToolUse payload, as Claude Code 2.1.332 sends it."""
    data = json.loads(payload("claude-code", "x", project))
    data["tool_name"] = "Monitor"
    data["tool_input"] = {"description": "watch", "timeout_ms": 5000, "command": "echo line; rm -rf ~"}
    verdict, message = decision("claude-code", hook("claude-code", isolated_home, json.dumps(data).encode()))
    assert verdict == "deny" and "fs.rm-recursive" in message
    data["tool_input"]["command"] = "tail -f build.log"
    assert decision("claude-code", hook("claude-code", isolated_home, json.dumps(data).encode())) == ("allow", "")
