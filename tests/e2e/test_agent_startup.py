"""Real agents' start-up and per-command scripts, with real rc files, judged
in the shape each agent runs them (issue 8). Fixtures: tests/fixtures/."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardsh.engine import judge

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHAPES, RCFILES = FIXTURES / "agent-shapes", FIXTURES / "rcfiles"
# Codex's snapshot script is the one the real-agent tests record and compare on every run.
CODEX_SNAPSHOT_SCRIPT = FIXTURES.parent / "system/real_agents/shapes/codex-0.171.0/snapshot-script.sh"
CAPTURE_HOME = {"claude": "/tmp/agents/ccrun/home", "codex": "/tmp/agents/run/home"}
# Files an rc file sources rather than lines it holds: judged as `. FILE`.
SOURCED = {"bash-completion-2.11-bash_completion.sh", "bash-completion-profile.d.sh"}
TOOL_LINES = sorted(p.name for p in RCFILES.glob("*.sh") if p.name not in SOURCED)
BUDGET = 5.0  # seconds: the machine running the suite is shared; bench/ measures the real cost


def shape(name: str) -> str:
    return (SHAPES / name).read_text()


def decide(text: str, home: Path, cwd: Path | None = None) -> tuple[str, list[str]]:
    verdict = judge(text, RULESET, cwd=str(cwd or home), home=str(home), budget=BUDGET)
    return verdict.decision, verdict.rule_ids


@pytest.fixture(autouse=True)
def _rules(ruleset):
    global RULESET
    RULESET = ruleset


@pytest.fixture
def home(tmp_path):
    (tmp_path / "work").mkdir()
    return tmp_path


def claude_snapshot_script(home: Path) -> str:
    """What Claude Code runs as `SHELL -c -l SCRIPT` once per session."""
    return shape("claude-snapshot-create.sh").replace(CAPTURE_HOME["claude"], str(home))


def codex_snapshot_script(home: Path) -> str:
    """What Codex runs as `SHELL -lc SCRIPT` once per session ($HOME/.bashrc)."""
    return CODEX_SNAPSHOT_SCRIPT.read_text()


STARTUPS = {"claude": claude_snapshot_script, "codex": codex_snapshot_script}


@pytest.mark.parametrize("agent", STARTUPS)
@pytest.mark.parametrize("rcfile", TOOL_LINES)
def test_snapshot_of_stock_bashrc_with_a_tools_lines_is_allowed(agent, rcfile, home):
    (home / ".bashrc").write_text((RCFILES / "debian-skel-bashrc.sh").read_text() + (RCFILES / rcfile).read_text())
    assert decide(STARTUPS[agent](home), home) == ("allow", [])


@pytest.mark.parametrize("agent", STARTUPS)
@pytest.mark.parametrize("rcfile", TOOL_LINES)
def test_a_destructive_line_in_the_bashrc_is_still_refused(agent, rcfile, home):
    # Before the stock files' interactive-only guard, or in a .bashrc without one:
    # every line runs at snapshot time.
    (home / ".bashrc").write_text("rm -rf ~/work\n" + (RCFILES / rcfile).read_text())
    decision, rules = decide(STARTUPS[agent](home), home)
    assert decision != "allow" and "fs.rm-recursive" in rules


@pytest.mark.parametrize("name", sorted(SOURCED))
@pytest.mark.xfail(strict=True, reason="sources files named only at run time: . \"$i\" over "
                   "${BASH_COMPLETION_COMPAT_DIR:-/etc/bash_completion.d}/*, . $user_completion, "
                   ". \"${XDG_CONFIG_HOME:-$HOME/.config}/bash_completion\" (the environment decides)")
def test_sourcing_bash_completion_itself_is_allowed(name, home):
    assert decide(f". {RCFILES / name}", home)[0] == "allow"


def test_bash_completion_parses(home):
    # It used to be shell.parse-error ([[ =~ ]] regexes, ${x%%[<{().[]*}, extglob).
    assert "shell.parse-error" not in decide(f". {RCFILES / 'bash-completion-2.11-bash_completion.sh'}", home)[1]


def test_codex_checks_its_snapshot_with_set_e(home):
    snapshot = home / "snap.sh"
    snapshot.write_text(shape("codex-snapshot-file-debian-bashrc.sh"))
    line = shape("codex-snapshot-validate.sh")
    line = line[:line.index('. "') + 3] + str(snapshot) + '"'
    assert decide(line, home) == ("allow", [])


def codex_wrapper(home: Path, command: str) -> str:
    """Codex 0.171.0's per-command wrapper around `command` (single-quoted as Codex does)."""
    snapshot = home / "codex-snap.sh"
    snapshot.write_text(shape("codex-snapshot-file-debian-bashrc.sh"))
    text = shape("codex-command-wrapper-1.sh")
    head, _, _ = text.rpartition("exec '")
    head = head.replace("/tmp/agents/run/home/.codex/shell_snapshots/01a248f4-677b-72c2-8a67-577ef0ff77aa."
                        "1796520306558506945.sh", str(snapshot))
    return head + "exec '/bin/bash' -c '" + command.replace("'", "'\"'\"'") + "'"


def claude_wrapper(home: Path, command: str) -> str:
    """Claude Code 2.1.332's per-command line, sourcing the snapshot it wrote."""
    snapshot = home / "claude-snap.sh"
    snapshot.write_text(shape("claude-snapshot-file-debian-bashrc.sh"))
    text = shape("claude-command-wrapper-1.sh")
    head, _, tail = text.partition("eval '")
    _, _, tail = tail.partition("' < /dev/null")
    head = head.replace(head.split()[1], str(snapshot), 1)
    return head + "eval '" + command.replace("'", "'\\''") + "' < /dev/null" + tail


WRAPPERS = {"claude": claude_wrapper, "codex": codex_wrapper}


@pytest.mark.parametrize("agent", WRAPPERS)
@pytest.mark.parametrize("command", ["echo hello; grep -c x data/f; find . -name f", "git status",
                                     "ls -la && cat README.md"])
def test_per_command_wrapper_around_ordinary_work_is_allowed(agent, command, home):
    assert decide(WRAPPERS[agent](home, command), home) == ("allow", [])


@pytest.mark.parametrize("agent", WRAPPERS)
@pytest.mark.parametrize("command, rule", [("rm -rf ~/work", "fs.rm-recursive"),
                                           ("find ~/work -name '*.py' -delete", "fs.rm-recursive"),
                                           ("git push --force origin main", "git.push-force")])
def test_per_command_wrapper_around_destruction_is_refused(agent, command, rule, home):
    decision, rules = decide(WRAPPERS[agent](home, command), home)
    assert decision != "allow" and rule in rules


def test_claude_find_shim_runs_find_delete_as_bfs(home):
    # The snapshot's find() runs (exec -a bfs CLAUDE -S dfs ... ${1+"$@"}): still find -delete.
    decision, rules = decide(claude_wrapper(home, "find . -name '*.py' -delete"), home)
    assert decision != "allow" and "fs.rm-recursive" in rules


def test_codex_wrapper_starting_a_repl_on_a_terminal_is_asked(home):
    decision, rules = decide(codex_wrapper(home, "python3 -i -q"), home)
    assert decision != "allow" and "guard.interactive-program" in rules


@pytest.mark.parametrize("name", ["claude-env-probe.sh", "codex-command-inner-1.sh", "codex-command-inner-2.sh"])
def test_the_agents_other_calls_are_allowed(name, home):
    assert decide(shape(name), home) == ("allow", [])


@pytest.mark.parametrize("agent", STARTUPS)
@pytest.mark.parametrize("skel", ["debian-skel-bashrc.sh", "ubuntu-skel-bashrc.sh"])
def test_stock_bashrc_with_bash_completion_installed_is_allowed(agent, skel, home):
    # Where bash-completion is installed (most Debian and Ubuntu machines) the stock
    # .bashrc sources it, after `case $- in *i*) ;; *) return;; esac`: the agents build
    # their snapshot in a non-interactive shell, which returns there.
    installed = RCFILES / "bash-completion-2.11-bash_completion.sh"
    text = (RCFILES / skel).read_text().replace("/usr/share/bash-completion/bash_completion", str(installed))
    assert str(installed) in text
    (home / ".bashrc").write_text(text + (RCFILES / "conda.sh").read_text())
    assert decide(STARTUPS[agent](home), home) == ("allow", [])


@pytest.mark.parametrize("agent", STARTUPS)
def test_what_runs_before_the_interactive_guard_is_still_judged(agent, home):
    skel = (RCFILES / "debian-skel-bashrc.sh").read_text()
    (home / ".bashrc").write_text("rm -rf ~/work\n" + skel)
    decision, rules = decide(STARTUPS[agent](home), home)
    assert decision != "allow" and "fs.rm-recursive" in rules
