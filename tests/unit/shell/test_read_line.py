"""The reader alone (shell/read.py): a line of text -> every command bash will
run, with the wrappers it runs behind, in codex execpolicy's style. A reader
regression fails here, by line, before any rule is involved."""

from __future__ import annotations

import pytest

from guardsh.model import DYN
from guardsh.shell.read import read_line

HOME, CWD = "/home/u", "/home/u/p"

CASES = [
    ("sudo bash -c 'rm -rf ~'", [(["rm", "-rf", HOME], ("sudo", "bash -c"))]),
    ("ls && pwd; echo 'hi there' | wc -l", [(["ls"], ()), (["pwd"], ()), (["echo", "hi there"], ()), (["wc", "-l"], ())]),
    ("FOO=1 env -u X timeout 5 nice rm -rf build", [(["rm", "-rf", "build"], ("env", "timeout", "nice"))]),
    ("xargs rm < list", [(["rm", DYN], ("xargs",))]),
    ('ssh host "rm -rf /srv"', [(["rm", "-rf", "/srv"], ("ssh",))]),
    ("find . -name x -exec rm {} +", [(["rm", "./**/x"], ("find -exec",)),
                                      (["find", ".", "-name", "x", "-exec", "rm", "{}", "+"], ())]),
    ("echo $(whoami) > out", [(["whoami"], ()), (["echo", DYN], ())]),
    ('f() { rm -rf "$1"; }; f data', [(["rm", "-rf", "data"], ("f()",))]),
    ('git -c core.pager="rm -rf ~" log', [(["rm", "-rf", HOME], ("git -c core.pager",)),
                                          (["git", "-c", "core.pager=rm -rf ~", "log"], ())]),
    ('alias ll="rm -rf"; ll x', [(["alias", "ll=rm -rf"], ()), (["rm", "-rf", "x"], ("alias ll",))]),
    ("for d in a b; do rm -r $d; done", [(["rm", "-r", "a"], ()), (["rm", "-r", "b"], ())]),
    ("cat <<EOF | sh\nrm -rf y\nEOF", [(["cat"], ()), (["rm", "-rf", "y"], ("sh <stdin",))]),
    ("\\rm -rf /tmp/x", [(["rm", "-rf", "/tmp/x"], ())]),
    ("/bin/rm -rf x", [(["/bin/rm", "-rf", "x"], ())]),
    ("nohup sh -c 'git push --force' &", [(["git", "push", "--force"], ("nohup", "sh -c"))]),
    ("rm -rf {a,b}", [(["rm", "-rf", "a", "b"], ())]),
    ("eval 'rm -rf x'", [(["rm", "-rf", "x"], ("eval",))]),
    ("bash -c \"bash -c 'rm -rf x'\"", [(["rm", "-rf", "x"], ("bash -c", "bash -c"))]),
    ("X=x; rm -rf $X", [(["rm", "-rf", "x"], ())]),
    ("echo cm0gLXJmIHg= | base64 -d | sh", [(["echo", "cm0gLXJmIHg="], ()), (["base64", "-d"], ()),
                                            (["rm", "-rf", "x"], ("sh <stdin",))]),
]


def reading(line: str, programs) -> list[tuple[list[str], tuple[str, ...]]]:
    """(argv, via) of each command, wrappers that only wrap left out."""
    return [([w.text for w in c.argv], c.via) for c in read_line(line, programs, cwd=CWD, home=HOME)
            if c.argv]


@pytest.mark.parametrize("line, expected", CASES, ids=[line for line, _ in CASES])
def test_read_line_finds_each_command_and_its_wrappers(line, expected, ruleset):
    assert reading(line, ruleset.programs) == expected


def test_cd_moves_the_working_directory_of_what_follows(ruleset):
    cmds = read_line("cd /tmp && rm -rf x", ruleset.programs, cwd=CWD, home=HOME)
    assert [(c.name, c.cwd) for c in cmds] == [("cd", CWD), ("rm", "/tmp")]


def test_a_program_is_named_by_its_base_name(ruleset):
    cmds = read_line("/bin/rm -rf x; \\rm y; command rm z", ruleset.programs, cwd=CWD, home=HOME)
    assert [c.name for c in cmds if c.argv and c.argv[0].text != "command"] == ["rm", "rm", "rm"]


def test_what_cannot_be_known_is_an_effect_not_a_guess(ruleset):
    (cmd,) = read_line('eval "$CMD"', ruleset.programs, cwd=CWD, home=HOME)
    assert [e.kind for e in cmd.effects] == ["shell.eval-dynamic"]
