"""The exact shapes real agents use, run literally through guardsh.

Claude Code (see README for sources): it builds an environment snapshot with
`SHELL -c -l SCRIPT`, then runs every command as
`source SNAPSHOT ... && eval 'CMD' < /dev/null && pwd -P >| /tmp/claude-XXXX-cwd`.
Codex runs `bash -lc CMD`."""

from __future__ import annotations

import pytest

from helpers import guardsh_env, run_bash, run_guardsh

pytestmark = pytest.mark.real_agents

BASHRC = r"""
# a user's ordinary ~/.bashrc
alias ll='ls -alF'
alias rm='rm -i'
alias nuke='rm -rf ~/scratch'
cleanup() { rm -rf "$HOME/.cache/thing"; }
mkcd() { mkdir -p "$1" && cd "$1"; }
export EDITOR=vim
eval "$(dircolors -b 2>/dev/null)"
"""

SNAPSHOT_SCRIPT = r"""SNAPSHOT_FILE={snapshot}
      source "{home}/.bashrc" < /dev/null

      # First, create/clear the snapshot file
      echo "# Snapshot file" >| "$SNAPSHOT_FILE"

      echo "# Unset all aliases to avoid conflicts with functions" >> "$SNAPSHOT_FILE"
      echo "unalias -a 2>/dev/null || true" >> "$SNAPSHOT_FILE"

      echo "# Functions" >> "$SNAPSHOT_FILE"
      # Force autoload all functions first
      declare -f > /dev/null 2>&1
      declare -F | cut -d' ' -f3 | grep -vE '^_[^_]' | while read func; do
        encoded_func=$(declare -f "$func" | base64 )
        echo "eval \"\$(echo '$encoded_func' | base64 -d)\" > /dev/null 2>&1" >> "$SNAPSHOT_FILE"
      done

      echo "# Shell Options" >> "$SNAPSHOT_FILE"
      shopt -p | head -n 1000 >> "$SNAPSHOT_FILE"
      set -o | grep "on" | awk '{{print "set -o " $1}}' | head -n 1000 >> "$SNAPSHOT_FILE"
      echo "shopt -s expand_aliases" >> "$SNAPSHOT_FILE"

      echo "# Aliases" >> "$SNAPSHOT_FILE"
      if [[ "$OSTYPE" == "msys" ]] || [[ "$OSTYPE" == "cygwin" ]]; then
        alias | grep -v "='winpty " | sed 's/^alias //g' | sed 's/^/alias -- /' | head -n 1000 >> "$SNAPSHOT_FILE"
      else
        alias | sed 's/^alias //g' | sed 's/^/alias -- /' | head -n 1000 >> "$SNAPSHOT_FILE"
      fi

      # Add PATH to the file
      echo "export PATH='/usr/local/bin:/usr/bin:/bin'" >> "$SNAPSHOT_FILE"

      # Exit silently on success, only report errors
      if [ ! -f "$SNAPSHOT_FILE" ]; then
        echo "Error: Snapshot file was not created at $SNAPSHOT_FILE" >&2
        exit 1
      fi
"""


def claude_wrapper(snapshot, cmd: str, newest: bool = True) -> str:
    quoted = "'" + cmd.replace("'", "'\"'\"'") + "'"
    unalias = ("{ \\builtin unalias -- 'unsetenv'; \\builtin unset -f -- 'unsetenv'; } >/dev/null 2>&1 || true && "
               if newest else "")
    return (f"source {snapshot} 2>/dev/null || true && shopt -u extglob 2>/dev/null || true && "
            f"{unalias}eval {quoted} < /dev/null && pwd -P >| /tmp/claude-b844-cwd")


@pytest.fixture
def snapshot(isolated_home):
    (isolated_home / ".bashrc").write_text(BASHRC)
    snap_dir = isolated_home / ".claude/shell-snapshots"
    snap_dir.mkdir(parents=True)
    snap = snap_dir / "snapshot-bash-1790176143960-63w311.sh"
    script = SNAPSHOT_SCRIPT.format(snapshot=f"'{snap}'", home=isolated_home)
    result = run_guardsh(["-c", "-l", script], isolated_home)
    assert result.returncode == 0, result.stderr.decode()
    assert b"refused" not in result.stderr
    return snap


def test_snapshot_creation_runs_and_writes_functions_and_aliases(snapshot):
    text = snapshot.read_text()
    assert text.startswith("# Snapshot file")
    assert "base64 -d" in text and "alias -- nuke=" in text


@pytest.mark.parametrize("newest", [True, False])
def test_wrapped_ordinary_command_runs_like_bash(snapshot, isolated_home, project, newest):
    line = claude_wrapper(snapshot, "echo 'it'\"'\"'s here' && ls", newest)
    (project / "file.txt").write_text("x")
    ours = run_guardsh(["-c", line], isolated_home)
    theirs = run_bash(["-c", line], project, env=guardsh_env(isolated_home))
    assert ours.returncode == 0, ours.stderr.decode()
    assert (ours.stdout, ours.stderr) == (theirs.stdout, theirs.stderr)


def test_snapshot_functions_and_aliases_never_raise_a_prompt(snapshot, isolated_home):
    for cmd in ("git status 2>/dev/null; true", "ll", "mkcd newdir && pwd"):
        result = run_guardsh(["-c", claude_wrapper(snapshot, cmd)], isolated_home)
        assert b"refused" not in result.stderr, (cmd, result.stderr.decode())


def test_wrapped_destructive_command_is_refused(snapshot, isolated_home, project):
    (project / "data").mkdir()
    result = run_guardsh(["-c", claude_wrapper(snapshot, "touch made && rm -r -f data")], isolated_home)
    assert result.returncode == 126
    assert (project / "data").exists() and not (project / "made").exists()
    assert b"fs.rm-recursive" in result.stderr


def test_alias_from_the_snapshot_is_judged_where_it_is_used(snapshot, isolated_home):
    result = run_guardsh(["-c", claude_wrapper(snapshot, "nuke")], isolated_home)
    assert result.returncode == 126 and b"fs.rm-recursive" in result.stderr


def test_function_from_the_snapshot_is_judged_where_it_is_called(snapshot, isolated_home):
    result = run_guardsh(["-c", claude_wrapper(snapshot, "cleanup")], isolated_home)
    assert result.returncode == 126 and b"fs.rm-recursive" in result.stderr


def test_codex_login_shell_form(isolated_home, project):
    ok = run_guardsh(["-lc", "echo codex"], isolated_home)
    assert (ok.returncode, ok.stdout) == (0, b"codex\n")
    refused = run_guardsh(["-lc", "git reset --hard"], isolated_home)
    assert refused.returncode == 126 and b"git.discard-changes" in refused.stderr
