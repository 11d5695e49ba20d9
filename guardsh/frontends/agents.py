"""One record per agent guardsh can guard as a pre-command hook: everything
`guardsh hook AGENT` (reading the payload, answering) and `guardsh setup AGENT`
(writing the entry) need to know about it. Adding an agent is one record here
(plus, if its answer has a new shape, one branch in hooks.answer).

Sources: https://code.claude.com/docs/en/hooks ; https://cursor.com/docs/agent/hooks ;
https://developers.openai.com/codex/hooks and openai/codex
codex-rs/hooks/src/events/pre_tool_use.rs ; https://geminicli.com/docs/hooks/reference ."""

from __future__ import annotations

import os


class Agent:
    __slots__ = ("id", "name", "event", "shell_tools", "can_ask", "answer_style", "config_env", "config_dir",
                 "config_file", "matcher", "hook_fields", "next_steps", "programs", "shell_via", "trust")

    def __init__(self, id, name, event, shell_tools, can_ask, answer_style, config_env, config_dir, config_file,
                 matcher, hook_fields, next_steps, programs=(), shell_via=None, trust=None):
        self.id = id  # as in `guardsh hook ID`
        self.name = name  # as people write it
        self.event = event  # the hook event guardsh answers (hook_event_name)
        self.shell_tools = shell_tools  # tool_name values that run shell commands; None: the payload is the command
        self.can_ask = can_ask  # the agent documents an "ask" answer (its own prompt)
        self.answer_style = answer_style  # "pretooluse" | "cursor" | "gemini": the JSON shape of the answer
        self.config_env = config_env  # a variable that moves the agent's configuration directory
        self.config_dir = config_dir  # ... else this directory under the home
        self.config_file = config_file  # the file the hook entry goes in
        self.matcher = matcher  # the entry's matcher, for agents whose entries are {matcher, hooks: [...]}
        self.hook_fields = hook_fields  # extra fields of the hook entry
        self.next_steps = next_steps  # what to do after `guardsh setup`
        self.programs = programs  # the commands that mean it is installed (`guardsh doctor` looks on PATH)
        # How it can be given guardsh as its shell (`guardsh setup ID --shell`):
        #   "settings-env": settings.json's env.CLAUDE_CODE_SHELL, a path containing "bash" (checked as text)
        #   "login-shell": the login shell in /etc/passwd, used only if its file name is bash or zsh
        #                  (else Codex runs /usr/bin/bash): a link named `bash` to guardsh
        #   "path": `bash` looked up on PATH: the same link's directory first on PATH
        self.shell_via = shell_via
        self.trust = trust  # "codex-app-server": a new hook runs only once trusted (frontends/codex.py)

    def config_path(self) -> str:
        home = os.path.expanduser("~")
        directory = (os.environ.get(self.config_env) if self.config_env else None) or os.path.join(home, self.config_dir)
        return os.path.join(directory, self.config_file)


AGENTS = {
    "claude-code": Agent(
        "claude-code", "Claude Code", "PreToolUse", ("Bash", "Monitor"), True, "pretooluse",
        "CLAUDE_CONFIG_DIR", ".claude", "settings.json", "Bash|Monitor", {},
        "Restart Claude Code (it reads hooks at start; `/hooks` lists them). A command guardsh refuses gets "
        "`guardsh approve ID` instructions for you; set [settings] hook_confirm = \"ask\" in guardsh's "
        "rules.toml to get Claude Code's own prompt instead.",
        programs=("claude",), shell_via="settings-env"),
    "cursor": Agent(
        "cursor", "Cursor", "beforeShellExecution", None, True, "cursor",
        None, ".cursor", "hooks.json", None, {"failClosed": True},
        "Restart Cursor (hooks need Cursor 1.7 or later). Cursor may ignore a hook's \"ask\"; keep "
        "hook_confirm at its default, \"deny\".",
        programs=("cursor", "cursor-agent")),
    # Codex normalises its shell and exec tools to "Bash"; it has no "ask" answer.
    "codex": Agent(
        "codex", "Codex", "PreToolUse", ("Bash",), False, "pretooluse",
        "CODEX_HOME", ".codex", "hooks.json", "Bash", {"statusMessage": "guardsh: checking the command"},
        "Restart Codex. Hooks are on by default from Codex 0.124; older versions need "
        "[features] codex_hooks = true in config.toml. Codex runs a hook only once it is trusted: "
        "guardsh asks Codex to trust it now.",
        programs=("codex",), shell_via="login-shell", trust="codex-app-server"),
    "gemini": Agent(
        "gemini", "Gemini CLI", "BeforeTool", ("run_shell_command",), True, "gemini",
        None, ".gemini", "settings.json", "run_shell_command",
        {"name": "guardsh", "description": "Stops irreversible shell commands until a human approves"},
        "Restart Gemini CLI.",
        programs=("gemini",), shell_via="path"),
}

CLAUDE_CODE_SHELL_NEXT_STEPS = "Restart Claude Code: it reads CLAUDE_CODE_SHELL at start."
