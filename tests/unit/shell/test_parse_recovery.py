"""Words tree-sitter-bash cannot read (issue 8): real rc files and agent
start-up scripts hold them, and one used to make a thousand-line file a parse
error. They are read as unknown values; what could run inside them still
fails closed."""

from __future__ import annotations

import pytest

from guardsh.model import DYN
from guardsh.shell import treesitter
from guardsh.shell.read import read_line

HOME, CWD = "/home/u", "/home/u/p"

READABLE = [
    '[[ "${!#}" == "$(($# - 1))" ]] && set -- "${@:1:$# - 1}"',  # Claude Code's snapshot script
    'option2=${option2%%[<{().[]*}',  # bash_completion's __parse_options
    '[[ $cur =~ ^(\\$\\{[#!]?)([A-Za-z0-9_]*)\\[([^]]*)$ ]]',  # a bracket expression holding ]
    'while [[ $line =~ \\\n    ((^|[^-])-[A-Za-z0-9?][[:space:]]+)\\[?[A-Z0-9]+ ]]; do :; done',
    'for svc in $svcdir/!($_backup_glob); do echo "$svc"; done',  # extglob
    '[[ $OSTYPE == *@(solaris|aix)* ]] && echo x',
    'echo ${var@Q} ${!prefix@} "${!#}" ${1+"$@"}',
]


@pytest.mark.parametrize("line", READABLE)
def test_words_tree_sitter_cannot_read_no_longer_fail_the_line(line):
    assert treesitter.parse(line)[2] is None


def kinds(line, ruleset):
    return {e.kind for c in read_line(line, ruleset.programs, cwd=CWD, home=HOME, budget=10) for e in c.effects}


def test_an_unreadable_word_has_an_unknown_value(ruleset):
    cmds = read_line('x=${@:1:$# - 1}; rm -rf "$x"', ruleset.programs, cwd=CWD, home=HOME, budget=10)
    assert [w.text for w in cmds[-1].argv] == ["rm", "-rf", DYN]


@pytest.mark.parametrize("line", [
    'set -- "${@:1:$# - 1}"; "$@"',  # the unknown word as a command
    '"${@:1:$# - 1}" x',
])
def test_an_unreadable_word_in_command_position_is_a_dynamic_command(line, ruleset):
    assert "shell.dynamic-command" in kinds(line, ruleset)


@pytest.mark.parametrize("line", [
    'echo ${x:1:$(rm -rf ~) - 1}',  # a command substitution inside: never blanked
    'echo ${x:1:`rm -rf ~` - 1}',
    '[[ $x =~ ^(a)[^]]*$(rm -rf ~) ]]',
])
def test_an_unreadable_word_that_runs_something_stays_a_parse_error(line, ruleset):
    assert "shell.parse-error" in kinds(line, ruleset)


@pytest.mark.parametrize("line", [
    'echo ${x%%[<{().[]*}; rm -rf ~',
    '[[ $a =~ ^(\\$\\{[#!]?)([A-Za-z0-9_]*)\\[([^]]*)$ ]] && rm -rf ~',
    'shopt -s extglob; rm -rf -- !(*.md)',
])
def test_the_commands_around_an_unreadable_word_are_still_judged(line, ruleset):
    assert any(c.name == "rm" for c in read_line(line, ruleset.programs, cwd=CWD, home=HOME, budget=10))


def test_an_extglob_argument_is_an_unknown_glob(ruleset):
    rm = [c for c in read_line("rm -rf -- !(keep) x", ruleset.programs, cwd=CWD, home=HOME, budget=10) if c.name == "rm"][0]
    assert rm.argv[3].dynamic and rm.argv[3].glob


def test_quoted_text_and_heredoc_bodies_are_not_taken_for_words():
    # A `${` inside single quotes or a heredoc body is text: nothing to recover,
    # and the real error after it is still reported.
    assert treesitter.parse("echo '${x%%[<{().[]*}'")[2] is None
    assert treesitter.parse("cat <<'E'\n${@:1:$# - 1}\nE\nif then fi")[2] is not None


# --- a function's "$@" is its call's arguments --------------------------------

def reading(line, ruleset):
    return [([w.text for w in c.argv], c.via) for c in read_line(line, ruleset.programs, cwd=CWD, home=HOME, budget=10)
            if c.argv]


CODEX_HELPER = ('__codex_snapshot_command() {\n  if command -v "$1" >/dev/null 2>&1; then\n    "$@"\n'
                '  else\n    command -p "$@"\n  fi\n}\n')


def test_codex_snapshot_helper_runs_the_program_it_is_given(ruleset):
    found = reading(CODEX_HELPER + "set -o | __codex_snapshot_command awk '$2==\"on\"{print $1}'", ruleset)
    assert (["awk", '$2=="on"{print $1}'], ("__codex_snapshot_command()",)) in found
    assert (["awk", '$2=="on"{print $1}'], ("__codex_snapshot_command()", "command")) in found
    assert "shell.dynamic-command" not in kinds(CODEX_HELPER + "__codex_snapshot_command wc -l", ruleset)


def test_a_function_only_defined_runs_nothing(ruleset):
    assert reading(CODEX_HELPER, ruleset) == []


@pytest.mark.parametrize("line, argv", [
    ('f() { "$@"; }; f rm -rf /', ["rm", "-rf", "/"]),
    ('f() { command ${1+"$@"}; }; f rm -rf /', ["rm", "-rf", "/"]),
    ('f() { shift; "$@"; }; f x rm -rf /', ["rm", "-rf", "/"]),
    ('f() { rm -rf "$2"; }; f a /srv', ["rm", "-rf", "/srv"]),
    ('set -- rm -rf /; "$@"', ["rm", "-rf", "/"]),
])
def test_positional_parameters_are_the_known_words(line, argv, ruleset):
    assert argv in [a for a, _ in reading(line, ruleset)]


def test_positional_parameters_from_words_of_unknown_number_stay_unknown(ruleset):
    assert "shell.dynamic-command" in kinds('set -- $list; "$@"', ruleset)
    assert "shell.dynamic-command" in kinds('"$@"', ruleset)  # the line's own: unknown


def test_a_function_reads_the_pipe_into_its_call(ruleset):
    cmds = read_line('f() { cat; }; echo hi | f', ruleset.programs, cwd=CWD, home=HOME, budget=10)
    cat = [c for c in cmds if c.name == "cat"][0]
    assert cat.stdin is not None and cat.stdin.source.name == "echo"


# --- $- and a sourced file's return ------------------------------------------

GUARD = "case $- in\n    *i*) ;;\n      *) return;;\nesac\n"


@pytest.fixture
def rcfile(tmp_path):
    def write(text):
        path = tmp_path / "rc.sh"
        path.write_text(text)
        return path
    return write


def test_a_sourced_file_returns_where_a_non_interactive_shell_does(rcfile, ruleset):
    path = rcfile(GUARD + "rm -rf ~/work\n")
    assert "rm" not in [c.name for c in read_line(f". {path}; ls", ruleset.programs, cwd=CWD, home=HOME, budget=10)]


@pytest.mark.parametrize("line", [
    ". {path}",  # in guardsh's own interactive shell $- is not known
    "bash -i -c '. {path}'",  # another shell's $-: not known
    "ssh host '. {path}'",
])
def test_where_dollar_dash_is_not_known_every_branch_is_judged(line, rcfile, ruleset):
    path = rcfile(GUARD + "rm -rf ~/work\n")
    interactive = line == ". {path}"
    cmds = read_line(line.format(path=path), ruleset.programs, cwd=CWD, home=HOME, budget=10, interactive=interactive)
    assert "rm" in [c.name for c in cmds]


@pytest.mark.parametrize("text", [
    "case $- in *i*) return;; esac\nrm -rf ~/work\n",  # returns only when interactive
    "if false; then return; fi\nrm -rf ~/work\n",
    "case x in y) return;; esac\nrm -rf ~/work\n",
    "case $UNKNOWN in *) return;; esac\nrm -rf ~/work\n",
])
def test_a_return_that_may_not_run_does_not_end_the_file(text, rcfile, ruleset):
    path = rcfile(text)
    assert "rm" in [c.name for c in read_line(f". {path}", ruleset.programs, cwd=CWD, home=HOME, budget=10)]


def test_a_top_level_return_outside_a_sourced_file_ends_nothing(ruleset):
    cmds = read_line(GUARD + "rm -rf ~/work", ruleset.programs, cwd=CWD, home=HOME, budget=10)
    assert "rm" in [c.name for c in cmds]  # bash -c: `return` fails there and the line goes on


def test_a_known_case_runs_only_its_matching_item(ruleset):
    cmds = read_line("x=b; case $x in a) rm -rf /a;; b|c) rm -rf /b;; *) rm -rf /z;; esac",
                     ruleset.programs, cwd=CWD, home=HOME, budget=10)
    assert [[w.text for w in c.argv] for c in cmds if c.name == "rm"] == [["rm", "-rf", "/b"]]
