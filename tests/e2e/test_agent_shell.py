"""guardsh as the shell of an agent that has no setting naming a shell: Codex (its login
shell, used only if the file is named bash or zsh) and Gemini CLI (`bash` on PATH). The
link named `bash` that `guardsh setup codex --shell` makes, the real bash behind it, Codex's
per-command wrapper (`exec LOGIN_SHELL -c 'CMD'`) and its hook commands run through it."""

from __future__ import annotations

import json
import os
import subprocess

from helpers import GUARDSH, ask_instead_of_keeping, guardsh_env, run_guardsh


def bash_link(home) -> str:
    result = run_guardsh(["setup", "codex", "--shell"], home)
    assert result.returncode == 0, result.stderr
    link = home / ".local/share/guardsh/shell/bash"
    assert os.path.realpath(link) == os.path.realpath(GUARDSH)
    assert f"sudo chsh -s {link}" in result.stdout.decode()
    return str(link)


def as_login_shell(link: str, args: list[str], home, input: bytes | None = None, **env):
    """The link run as Codex runs its login shell: by its path, no terminal."""
    return subprocess.run([link, *args], cwd=home / "project", input=input,
                          stdin=None if input is not None else subprocess.DEVNULL, capture_output=True,
                          env=guardsh_env(home, **env), start_new_session=True, timeout=30)


def test_the_link_runs_the_real_bash_even_first_on_path(isolated_home):
    link = bash_link(isolated_home)
    # Gemini CLI's way: the link's directory first on PATH, `bash -c`
    path = f"{os.path.dirname(link)}:{os.environ['PATH']}"
    result = as_login_shell(link, ["-c", 'echo "$BASH_VERSION"; bash -c "echo nested \\$BASH_VERSION"'],
                            isolated_home, PATH=path)
    assert result.returncode == 0, result.stderr
    version, nested = result.stdout.decode().splitlines()
    assert version and nested == f"nested {version}"  # bash, twice, never guardsh looping into itself


def test_codex_wrapper_is_judged_once_on_the_agents_command(isolated_home, data_dir):
    """Codex's wrapper ends `exec LOGIN_SHELL -c 'CMD'`: the link is guardsh, so CMD is judged
    when that exec runs; the refusal and its approval are for `rm -r data` itself."""
    ask_instead_of_keeping(isolated_home)
    link = bash_link(isolated_home)
    wrapper = f"export CODEX_X=1\nexec '{link}' -c 'rm -r data'"
    result = as_login_shell(link, ["-c", wrapper], isolated_home)
    assert result.returncode == 126 and data_dir.exists()
    err = result.stderr.decode()
    assert "  command: rm -r data\n" in err, err
    pending = run_guardsh(["pending"], isolated_home).stdout.decode()
    assert "rm -r data" in pending and "CODEX_X" not in pending, pending
    ok = as_login_shell(link, ["-c", f"exec '{link}' -c 'echo ran'"], isolated_home)
    assert ok.returncode == 0 and ok.stdout == b"ran\n", ok.stderr


def test_a_file_named_like_guardsh_is_not_trusted_to_judge_itself(isolated_home, tmp_path, data_dir):
    """Only what resolves to this guardsh is left to judge its own line; anyone can name a file guardsh."""
    ask_instead_of_keeping(isolated_home)
    fake = tmp_path / "guardsh"
    fake.write_text("#!/bin/bash\nexec bash \"$@\"\n")
    fake.chmod(0o755)
    result = run_guardsh(["-c", f"exec {fake} -c 'rm -r data'"], isolated_home)
    assert result.returncode == 126 and data_dir.exists(), result.stderr


def test_a_hook_run_through_the_login_shell_is_answered_at_once(isolated_home):
    """Codex runs each hook as `LOGIN_SHELL -c '/path/guardsh hook codex'`: the hook's answer,
    without judging that line and starting bash to start guardsh again."""
    link = bash_link(isolated_home)
    payload = {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": str(isolated_home / "project")}
    answers = []
    for command in ("ls", "rm -rf ~"):
        data = json.dumps({**payload, "tool_input": {"command": command}}).encode()
        r = as_login_shell(link, ["-c", f"{GUARDSH} hook codex"], isolated_home, input=data)
        assert r.returncode == 0, r.stderr
        answers.append(r.stdout)
    assert answers[0] == b""  # allowed: no opinion
    assert json.loads(answers[1])["hookSpecificOutput"]["permissionDecision"] == "deny"
    audit = (isolated_home / ".local/state/guardsh/audit.jsonl").read_text().splitlines()
    assert [json.loads(e)["via"] for e in audit] == ["hook codex", "hook codex"]  # no `-c` line judged
