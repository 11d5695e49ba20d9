"""Help where a newcomer looks: `guardsh help` is guardsh's; `--help` and
`--version` stay bash's, byte for byte, for the tools that probe a shell."""

from __future__ import annotations

import os
import subprocess

import pexpect
import pytest

from helpers import GUARDSH, ROOT, guardsh_env, run_guardsh
from guardsh.identity import SUBCOMMANDS


def test_guardsh_help_lists_every_command_and_points_at_the_readme(isolated_home):
    result = run_guardsh(["help"], isolated_home)
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    for name in SUBCOMMANDS:
        assert f"\n  guardsh {name} " in out, f"guardsh help does not list {name}"
    readme = out.rsplit(": ", 1)[1].strip()
    assert os.path.isfile(readme) and "guardsh help" in open(readme).read()[:600], readme
    assert "guardsh -c 'CMD'" in out and "bash's help" in out


def test_guardsh_help_command_shows_its_options(isolated_home):
    out = run_guardsh(["help", "check"], isolated_home).stdout.decode()
    assert out.startswith("Usage: guardsh check ") and "--json" in out
    assert run_guardsh(["help", "no-such"], isolated_home).returncode == 2


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_are_bashs_for_a_tool(isolated_home, flag):
    ours = run_guardsh([flag], isolated_home)
    bash = subprocess.run(["bash", flag], capture_output=True)
    assert (ours.returncode, ours.stdout, ours.stderr) == (bash.returncode, bash.stdout, bash.stderr)


@pytest.mark.pty
def test_a_person_typing_help_is_told_where_guardshs_own_is(isolated_home):
    child = pexpect.spawn(GUARDSH, ["--help"], env=guardsh_env(isolated_home), timeout=15, encoding="utf-8")
    child.expect(pexpect.EOF)
    first, rest = child.before.split("\r\n", 1)
    assert "guardsh help" in first and rest.startswith("GNU bash")


def test_guardsh_help_runs_nothing(ruleset):
    from guardsh.engine import judge

    assert judge("guardsh help", ruleset).decision == "allow"


def test_the_readme_says_so_in_its_first_lines():
    assert "`guardsh help`" in "\n".join((ROOT / "README.md").read_text().splitlines()[:8])
