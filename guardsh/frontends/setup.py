"""`guardsh setup AGENT [--print] [--shell]`: make an agent ask guardsh first.

Writes `<guardsh> hook AGENT` into the agent's user configuration, in the
format its documentation gives: the file and the entry's shape are in each
agent's record in frontends/agents.py (with the sources).

`--shell` instead makes guardsh the agent's shell: Claude Code's settings.json
env.CLAUDE_CODE_SHELL names the guardsh-bash link (Claude Code accepts only a
shell whose path contains "bash" or "zsh"); for Codex (its login shell) and
Gemini CLI (`bash` on PATH), which have no such setting, a link named `bash`
in guardsh's data directory, and the exact step to point the agent at it.

Codex: after writing the hook, guardsh asks Codex to trust it (frontends/codex.py:
the same app-server call Codex's /hooks screen makes, for guardsh's hook only) and
checks that Codex then lists it as trusted; if it cannot, it says so on stderr with
the manual step and exits non-zero, since Codex skips an untrusted hook silently.

The rest of the file is kept as it was; the old file is copied to
FILE.guardsh-backup-YYYYmmdd-HHMMSS first; an existing guardsh entry is
updated in place, never duplicated, so running it twice changes nothing.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import time

from .. import exits
from .agents import AGENTS, CLAUDE_CODE_SHELL_NEXT_STEPS



class SetupError(Exception):
    pass


class UnreadableConfig(SetupError):
    """The agent's file exists but is not a JSON object guardsh can safely rewrite."""


def setup_agent(agent: str, print_only: bool, shell: bool = False) -> int:
    try:
        via = AGENTS[agent].shell_via if agent in AGENTS else None
        if shell and via is None:
            raise SetupError(f"--shell: {agent} has no setting for its shell (see the README); "
                             f"`guardsh setup {agent}` installs the hook.")
        launcher = guardsh_launcher()
        if shell and via in ("login-shell", "path"):
            return bash_link_steps(agent, via, launcher, print_only)
        if shell:
            shell_path = guardsh_bash(launcher)
            change = lambda config: with_shell(config, shell_path)  # noqa: E731
        else:
            change = lambda config: with_hook(agent, config, hook_command(launcher, agent))  # noqa: E731
        path = config_path(agent)
        try:
            current = read_config(path)
        except UnreadableConfig as e:
            raise SetupError(f"{e}; guardsh will not rewrite it. Add this to it by hand:\n"
                             + json.dumps(change({}), indent=2)) from None
        updated = change(current)
    except SetupError as e:
        sys.stderr.write(f"guardsh setup: {e}\n")
        return exits.FAILED
    what = "the guardsh shell" if shell else "the guardsh hook"
    text = json.dumps(updated, indent=2) + "\n"
    if updated == current:
        print(f"{path} already has {what}; nothing changed.")
    elif print_only:
        print(f"guardsh setup would write {path} (nothing has been changed):")
        sys.stdout.write(text)
        return exits.OK
    else:
        try:
            backup = write_config(path, text)
        except OSError as e:
            sys.stderr.write(f"guardsh setup: cannot write {path}: {e.strerror or e}\n")
            return exits.FAILED
        print(f"Wrote {what} into {path}" + (f" (the old file is kept as {backup})." if backup else "."))
        print(CLAUDE_CODE_SHELL_NEXT_STEPS if shell else AGENTS[agent].next_steps)
    if agent == "codex" and not print_only:
        _warn_if_codex_hooks_disabled(os.path.join(os.path.dirname(path), "config.toml"))
        return trust_codex_hook(hook_command(launcher, agent), path)
    return exits.OK


def trust_codex_hook(command: str, path: str) -> int:
    """Have Codex trust the hook just written (it skips an untrusted hook without a word)."""
    from . import codex

    try:
        hooks = codex.trust(command, path, os.getcwd())
    except codex.CodexUnavailable as e:
        return _untrusted(f"guardsh could not ask Codex to trust it: {e}.")
    if hooks and all(codex.runs(h) for h in hooks):
        print("Codex trusts the hook (" + ", ".join(f"{h['key']}: {h['trustStatus']}" for h in hooks) + ").")
        return exits.OK
    states = ", ".join(f"{h.get('trustStatus')}{'' if h.get('enabled', True) else ', disabled'}" for h in hooks)
    return _untrusted(f"Codex still lists it as {states or 'missing'}.")


def _untrusted(why: str) -> int:
    from .codex import MANUAL_STEP

    sys.stderr.write(
        "\nguardsh setup: WARNING: CODEX WILL NOT RUN GUARDSH'S HOOK YET. Codex runs a hook only after it is\n"
        f"trusted, and skips an untrusted one silently: commands would run unchecked. {why}\n"
        f"To trust it: {MANUAL_STEP}. Then `guardsh doctor` checks it.\n")
    return exits.FAILED


def config_path(agent: str) -> str:
    if agent not in AGENTS:
        raise SetupError(f"unknown agent {agent!r}")
    return AGENTS[agent].config_path()


def guardsh_launcher() -> str:
    """The absolute path of the guardsh being run (hooks run with a minimal
    PATH, so the entry names it in full), else the one on PATH."""
    argv0 = sys.argv[0] if sys.argv else ""
    name = os.path.basename(argv0)
    if name.startswith("guardsh") and not name.endswith(".py") and os.access(argv0, os.X_OK):
        path = os.path.abspath(argv0)  # not realpath: keep ~/.local/bin/guardsh, which upgrades keep
        sibling = os.path.join(os.path.dirname(path), "guardsh")
        return sibling if name != "guardsh" and os.access(sibling, os.X_OK) else path
    found = shutil.which("guardsh")
    if found:
        return os.path.abspath(found)
    raise SetupError("cannot find the guardsh command; install it with ./install.sh, or run this "
                     "as /path/to/guardsh setup ...")


def hook_command(launcher: str, agent: str) -> str:
    return f"{shlex.quote(launcher)} hook {agent}"


def guardsh_bash(launcher: str) -> str:
    """The guardsh-bash link install.sh makes, beside the launcher or in ~/.local/bin."""
    dirs = [os.path.dirname(launcher), os.environ.get("GUARDSH_BIN", ""),
            os.path.join(os.path.expanduser("~"), ".local", "bin")]
    for d in dict.fromkeys(d for d in dirs if d):
        candidate = os.path.join(d, "guardsh-bash")
        # Claude Code checks the path's text: it must contain "bash", and "zsh" would
        # make it treat the shell as zsh.
        if os.access(candidate, os.X_OK) and "zsh" not in candidate:
            return candidate
    raise SetupError("no guardsh-bash link found next to guardsh or in ~/.local/bin; install.sh makes "
                     f"one, or run: ln -s {shlex.quote(launcher)} ~/.local/bin/guardsh-bash")


def shell_link() -> str:
    """Where guardsh's link named `bash` lives: in guardsh's own data directory, which the rules
    protect (guard.tamper), so an agent cannot point it elsewhere."""
    from .. import paths

    return os.path.join(paths.data_dir(), "shell", "bash")


def make_shell_link(launcher: str) -> str:
    link = shell_link()
    if os.path.islink(link) and os.readlink(link) == launcher:
        return link
    os.makedirs(os.path.dirname(link), exist_ok=True)
    tmp = f"{link}.guardsh-{os.getpid()}.tmp"
    os.symlink(launcher, tmp)
    os.replace(tmp, link)
    return link


def bash_link_steps(agent: str, via: str, launcher: str, print_only: bool) -> int:
    """Codex and Gemini CLI have no setting that names a shell: they run a program called `bash`
    (Codex: the login shell, if its file name is bash or zsh; Gemini CLI: `bash` on PATH). guardsh
    makes a link named `bash` to itself; pointing the agent at it is the user's step."""
    link = shell_link()
    if print_only:
        print(f"guardsh setup would link {link} -> {launcher} (nothing has been changed).")
    else:
        try:
            link = make_shell_link(launcher)
        except OSError as e:
            sys.stderr.write(f"guardsh setup: cannot make {link}: {e.strerror or e}\n")
            return exits.FAILED
        print(f"Linked {link} -> {launcher}: a `bash` that is guardsh (it runs the real bash for what it allows).")
    q = shlex.quote(link)
    if via == "login-shell":
        import pwd

        user = pwd.getpwuid(os.getuid()).pw_name
        print(f"""Codex runs commands with your login shell from /etc/passwd, and only if that file is named
bash or zsh (otherwise it runs /usr/bin/bash). Make the link the login shell of the user that runs Codex
(best a user kept for the agent: a terminal of that user runs guardsh too):
  grep -qxF {q} /etc/shells || echo {q} | sudo tee -a /etc/shells
  sudo chsh -s {q} {shlex.quote(user)}
Then restart Codex; `guardsh doctor` checks it. The hook (`guardsh setup codex`) can be used as well.""")
    else:
        print(f"""Gemini CLI runs `bash` from PATH. Start it with the link's directory first on PATH:
  PATH={shlex.quote(os.path.dirname(link))}:"$PATH" gemini
(or put that directory first on PATH in the shell you start Gemini CLI from).""")
    return exits.OK


def read_config(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as e:
        raise UnreadableConfig(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as e:  # JSON with comments, or broken: rewriting it would lose something
        raise UnreadableConfig(f"{path} is not plain JSON ({e})") from None
    if not isinstance(data, dict):
        raise UnreadableConfig(f"{path} does not hold a JSON object")
    return data


def with_shell(config: dict, shell_path: str) -> dict:
    updated = json.loads(json.dumps(config))  # a deep copy: `config` stays the file as read
    env = updated.setdefault("env", {})
    if not isinstance(env, dict):
        raise SetupError("settings.json's \"env\" is not an object; guardsh will not rewrite it.")
    env["CLAUDE_CODE_SHELL"] = shell_path
    return updated


def with_hook(agent: str, config: dict, command: str) -> dict:
    updated = json.loads(json.dumps(config))
    hooks = updated.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise SetupError("the file's \"hooks\" is not an object; guardsh will not rewrite it.")
    spec = AGENTS[agent]
    event = spec.event
    entries = hooks.setdefault(event, [])
    if not isinstance(entries, list):
        raise SetupError(f"hooks.{event} is not a list; guardsh will not rewrite it.")
    existing = [h for h in _hook_entries(agent, entries) if _is_guardsh_hook(h.get("command"), agent)]
    for h in existing:
        h["command"] = command  # guardsh moved (or was reinstalled): point the entry at it
    if spec.matcher is not None:
        for group in entries:  # an older guardsh's matcher (Claude Code's "Bash" missed Monitor)
            hooks_of_group = group.get("hooks") if isinstance(group, dict) else None
            if (isinstance(hooks_of_group, list) and hooks_of_group
                    and all(isinstance(h, dict) and _is_guardsh_hook(h.get("command"), agent) for h in hooks_of_group)):
                group["matcher"] = spec.matcher
    if existing:
        return updated
    if spec.matcher is None:  # Cursor: a flat list of hooks, in a versioned file
        # failClosed: a crash or timeout of the hook blocks the command instead of letting it run.
        entries.append({"command": command, "type": "command", **spec.hook_fields})
        if "version" not in updated:
            updated = {"version": 1, **updated}
    else:
        entries.append({"matcher": spec.matcher, "hooks": [{"type": "command", "command": command,
                                                            **spec.hook_fields}]})
    return updated


def _hook_entries(agent: str, entries: list) -> list[dict]:
    if AGENTS[agent].matcher is None:
        return [e for e in entries if isinstance(e, dict)]
    return [h for group in entries if isinstance(group, dict) and isinstance(group.get("hooks"), list)
            for h in group["hooks"] if isinstance(h, dict)]


def _is_guardsh_hook(command, agent: str) -> bool:
    if not isinstance(command, str):
        return False
    try:
        words = shlex.split(command)
    except ValueError:
        return False
    return (len(words) == 3 and os.path.basename(words[0]).startswith("guardsh")
            and words[1:] == ["hook", agent])


def write_config(path: str, text: str) -> str | None:
    """Write atomically, after a timestamped copy of the old file; return the copy's path."""
    target = os.path.realpath(path)  # a symlinked dotfile stays a symlink
    backup = None
    mode = 0o600  # settings files can hold API keys in "env"
    if os.path.exists(target):
        mode = os.stat(target).st_mode & 0o777
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = f"{target}.guardsh-backup-{stamp}"
        n = 1
        while os.path.exists(backup):
            backup = f"{target}.guardsh-backup-{stamp}-{n}"
            n += 1
        shutil.copy2(target, backup)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp = f"{target}.guardsh-{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, mode)  # the umask may have narrowed it
        os.replace(tmp, target)
    except OSError:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return backup


def _warn_if_codex_hooks_disabled(config_toml: str) -> None:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        return
    try:
        with open(config_toml, "rb") as fh:
            features = tomllib.load(fh).get("features") or {}
    except (OSError, ValueError):
        return
    if isinstance(features, dict) and False in (features.get("hooks"), features.get("codex_hooks")):
        print(f"Warning: {config_toml} turns hooks off ([features] hooks or codex_hooks = false); "
              "remove that line or Codex will not run the hook.")
