"""A program named by path is judged by what it is (issue 8): a compiled
program as the program of its name, never read as a script; `exec -a NAME`
and zsh's `ARGV0=NAME` as the program NAME says it behaves as, and clones
(bfs, ugrep) as the program they copy."""

from __future__ import annotations

import os

import pytest

from guardsh.shell.read import read_line

HOME = "/home/u"


@pytest.fixture
def big_binary(tmp_path):
    """A 256 MB (sparse) ELF file: like Claude Code's own executable."""
    path = tmp_path / "bin" / "claude"
    path.parent.mkdir()
    with open(path, "wb") as fh:
        fh.write(b"\x7fELF\x02\x01\x01" + b"\0" * 57)
        fh.truncate(256 << 20)
    os.chmod(path, 0o755)
    return str(path)


def effects(line, ruleset, cwd):
    cmds = read_line(line, ruleset.programs, cwd=str(cwd), home=HOME, budget=10)
    return cmds, {e.kind for c in cmds for e in c.effects}


def test_a_binary_named_by_path_is_judged_by_its_name_not_read(big_binary, ruleset, tmp_path):
    cmds, kinds = effects(f"{big_binary} --version", ruleset, tmp_path)
    assert "shell.unknown-script" not in kinds
    assert [c.name for c in cmds] == ["claude"]


@pytest.mark.parametrize("head", [b"\x7fELF\x02\x01", b"#x\0\0"])
def test_what_bash_will_not_read_as_a_script_is_a_program(head, ruleset, tmp_path):
    # ELF is executed by the kernel; a NUL in the first line makes bash refuse the file.
    path = tmp_path / "git"
    path.write_bytes(head + b"rm -rf ~\n" * 10)
    cmds, kinds = effects(f"{path} push --force", ruleset, tmp_path)
    assert kinds == set() and [c.name for c in cmds] == ["git"]  # not read: no rm


def test_a_script_with_a_nul_past_its_first_line_is_asked_about(ruleset, tmp_path):
    path = tmp_path / "tool"
    path.write_bytes(b"echo hi\n# \0\nrm -rf ~/work\n")  # bash runs it; guardsh cannot read it
    _, kinds = effects(f"{path}", ruleset, tmp_path)
    assert "shell.unknown-script" in kinds


@pytest.mark.parametrize("head", [b"MZ=1\n", b"\xca\xfe=1\n"])
def test_what_bash_reads_as_a_script_is_read(head, ruleset, tmp_path):
    # "MZ" is no program on Linux (execve fails, bash runs it as a script), nor
    # is a file whose NUL comes after its first line.
    path = tmp_path / "tool"
    path.write_bytes(head + b"rm -rf ~/work\n")
    cmds, _ = effects(f"{path}", ruleset, tmp_path)
    assert ["rm", "-rf", f"{HOME}/work"] in [[w.text for w in c.argv] for c in cmds]


def test_a_text_script_named_by_path_is_still_read(ruleset, tmp_path):
    script = tmp_path / "clean.sh"
    script.write_text("#!/bin/sh\nrm -rf ~/work\n")
    cmds, _ = effects(f"{script}", ruleset, tmp_path)
    assert ["rm", "-rf", f"{HOME}/work"] in [[w.text for w in c.argv] for c in cmds]


def test_real_system_programs_by_path(ruleset, tmp_path):
    git = "/usr/bin/git" if os.path.exists("/usr/bin/git") else None
    if git is None:
        pytest.skip("no /usr/bin/git")
    _, kinds = effects("/usr/bin/git status", ruleset, tmp_path)
    assert kinds == set()


def shim(binary: str, name: str, fixed: str) -> str:
    """Claude Code 2.1.332's snapshot function, as it writes it."""
    return (f"function {name} {{\n  if [[ -x {binary} ]]; then\n  if [[ -n ${{ZSH_VERSION:-}} ]]; then\n"
            f"    ARGV0={name} {binary} {fixed} ${{1+\"$@\"}}\n  else\n"
            f"    (exec -a {name} {binary} {fixed} ${{1+\"$@\"}})\n  fi\n"
            f"  else command {name} ${{1+\"$@\"}}; fi\n}}\n")


def test_claude_codes_find_shim_with_delete_is_find_delete(big_binary, ruleset, tmp_path):
    line = shim(big_binary, "find", "-S dfs -regextype findutils-default").replace("function find", "function find", 1)
    line = line.replace("exec -a find", "exec -a bfs").replace("ARGV0=find", "ARGV0=bfs")
    cmds, kinds = effects(line + "find . -name f -delete", ruleset, tmp_path)
    deletes = [c for c in cmds if c.via and c.via[-1] == "find -delete"]
    assert deletes and all(c.argv[0].text == "rm" for c in deletes)
    assert any("exec -a bfs" in " ".join(c.via) for c in deletes)


def test_claude_codes_grep_shim_is_grep(big_binary, ruleset, tmp_path):
    line = shim(big_binary, "grep", "-G --ignore-files --hidden -I").replace("exec -a grep", "exec -a ugrep")
    cmds, kinds = effects(line + "grep -c x data/f", ruleset, tmp_path)
    assert kinds == set()
    assert "grep" in {c.name for c in cmds}


def test_exec_a_never_hides_the_program_that_runs(ruleset, tmp_path):
    cmds, _ = effects("(exec -a ls /usr/bin/rm -rf ~/work)", ruleset, tmp_path)
    assert {"rm", "ls"} <= {c.name for c in cmds}


def test_argv0_runs_the_program_as_that_name(ruleset, tmp_path):
    cmds, _ = effects("ARGV0=bfs /opt/x/claude . -delete", ruleset, tmp_path)
    assert any(c.via[-1:] == ("find -delete",) for c in cmds)
