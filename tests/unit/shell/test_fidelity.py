"""The reader binds what it reads as bash binds it: each case here is a
disagreement with real bash found by tests/system/test_bash_oracle.py."""

from __future__ import annotations

import json
import os

import pytest

from helpers import run_guardsh
from guardsh.shell.read import read_line
from guardsh.model import DYN


def commands(line: str, cwd: str = "/w") -> list[tuple[str, list[str]]]:
    """(argv, output redirects) of each command the line runs."""
    return [(" ".join(w.text for w in c.argv), [f"{r.fd or ''}{r.op}{r.target.text if r.target else ''}"
                                                 for r in c.redirects])
            for c in read_line(line, {}, cwd=cwd, home="/h") if c.argv]


@pytest.mark.parametrize("line, expected", [
    # tree-sitter hangs the redirect on the whole list; bash on its last pipeline.
    ("a && b > f", [("a", []), ("b", [">f"])]),
    ("a || b >> f", [("a", []), ("b", [">>f"])]),
    ("a | b 2> f", [("a", []), ("b", ["2>f"])]),
    ("a && b | c &> f", [("a", []), ("b", []), ("c", ["&>f"])]),
    ("a | b < f", [("a", []), ("b", ["<f"])]),
    ("a || true && eval x < /dev/null && pwd -P >| out",
     [("a", []), ("true", []), ("x", ["</dev/null"]), ("pwd -P", [">|out"])]),
    ("a && b 2>/dev/null -rf x", [("a", []), ("b -rf x", ["2>/dev/null"])]),
    # A redirect on a group or subshell still reaches every command inside it.
    ("a && { b; c; } > f", [("a", []), ("b", [">f"]), ("c", [">f"])]),
    ("(a; b) > f", [("a", [">f"]), ("b", [">f"])]),
])
def test_redirect_belongs_to_the_last_pipeline_of_a_list(line, expected):
    assert commands(line) == expected


CLAUDE_CODE_WRAPPER = ("source /nonexistent/snapshot-bash-1.sh && { shopt -u extglob || setopt NO_EXTENDED_GLOB; }"
                       " 2>/dev/null || true && eval 'git status' < /dev/null && pwd -P >| /tmp/claude-1234-cwd")


def test_claude_code_wrapper_in_tmp_is_allowed(isolated_home):
    """Claude Code runs every command so; in /tmp with its cwd file already
    there, `true > /tmp/claude-1234-cwd` was judged to empty the file."""
    marker = "/tmp/claude-1234-cwd"
    existed = os.path.exists(marker)
    if not existed:
        with open(marker, "w") as f:
            f.write("/tmp\n")
    try:
        for line in (CLAUDE_CODE_WRAPPER, "true && pwd > /tmp/claude-1234-cwd"):
            result = run_guardsh(["check", "--json", line], isolated_home, cwd="/tmp")
            assert json.loads(result.stdout)["decision"] == "allow", line
        # The last command's own redirect is still judged: `true > FILE` empties it.
        result = run_guardsh(["check", "--json", "pwd && true > /tmp/claude-1234-cwd"], isolated_home, cwd="/tmp")
        assert json.loads(result.stdout)["decision"] != "allow"
    finally:
        if not existed:
            os.unlink(marker)


def test_match_detail_shows_shell_text_not_a_repr(isolated_home, project):
    (project / "FILE").write_text("data\n")
    (project / "s.sh").write_text("true > FILE\n")
    result = run_guardsh(["check", ". ./s.sh"], isolated_home)
    assert "via . ./s.sh" in result.stdout.decode()
    assert "Word(" not in result.stdout.decode()


def argvs(line: str) -> list[list[str]]:
    return [[w.text for w in c.argv] for c in read_line(line, {}, cwd="/w", home="/h", budget=10) if c.argv]


@pytest.mark.parametrize("line, expected", [
    ("{rm,-rf,~}", [["rm", "-rf", "/h"]]),  # tree-sitter cannot parse it: bashlex reads it
    ("{rm,-rf,~/x}", [["rm", "-rf", "/h/x"]]),
    ("echo {~/x,y}", [["echo", "/h/x", "y"]]),
    ("echo {a,b}~ a~b", [["echo", "a~", "b~", "a~b"]]),
    ('echo {a,"~"}', [["echo", "a", "~"]]),  # a quoted ~ stays
    ("echo {a,~someone}", [["echo", "a", DYN]]),
])
def test_tilde_is_expanded_after_brace_expansion(line, expected):
    assert argvs(line) == expected


@pytest.mark.parametrize("line, expected", [
    # tree-sitter-bash silently drops a word right before `<<`.
    ("python3 - <<'EOF'\nimport shutil\nEOF", [["python3", "-"]]),
    ("cmd -<<EOF\nx\nEOF", [["cmd", "-"]]),
    ("cmd foo - <<EOF > out\nx\nEOF", [["cmd", "foo", "-"]]),
    ("a && cmd - <<EOF\nx\nEOF", [["a"], ["cmd", "-"]]),
    ("cmd - <<A - <<B\na\nA\nb\nB", [["cmd", "-", "-"]]),
    ('cmd "$X" - <<EOF\nx\nEOF', [["cmd", DYN, "-"]]),
    ("cat <<EOF\nx\nEOF", [["cat"]]),
])
def test_word_before_a_heredoc_is_an_argument(line, expected):
    assert argvs(line) == expected


def redirect_order(line: str) -> list[list[tuple]]:
    return [[(r.op, r.fd, r.target.text if r.target else None) for r in c.redirects]
            for c in read_line(line, {}, cwd="/w", home="/h", budget=10) if c.argv]


@pytest.mark.parametrize("line, expected", [
    # bash makes redirections left to right; a dup copies what the fd is then.
    ("2>&1 cmd >&2", [[(">&", "2", "1"), (">&", None, "2")]]),
    (">o cmd 2>e", [[(">", None, "o"), (">", "2", "e")]]),
    # A group's redirection is made before the commands' own.
    ("{ cmd 2>&1; } > f", [[(">", None, "f"), (">&", "2", "1")]]),
])
def test_redirections_keep_bash_order(line, expected):
    assert redirect_order(line) == expected


def test_last_stdin_redirection_wins():
    (cmd,) = read_line("<a cmd <b", {}, cwd="/w", home="/h", budget=10)
    assert cmd.stdin.path.text == "b"


@pytest.mark.parametrize("line, expected", [
    # tree-sitter reads it as a redirected statement with no body, the
    # command's words as extra destinations of the second redirect.
    (">o1 >o1 alpha 2>&1", [["alpha"]]),
    (">/dev/null >/dev/null rm -rf ~ 2>&1", [["rm", "-rf", "/h"]]),
    ("2>e >o rm x y 2>&1 | cat", [["rm", "x", "y"], ["cat"]]),
])
def test_command_after_two_prefix_redirects_is_read(line, expected):
    assert argvs(line) == expected


def test_command_after_two_prefix_redirects_is_judged(isolated_home):
    result = run_guardsh(["check", "--json", ">/dev/null >/dev/null rm -rf ~ 2>&1"], isolated_home)
    assert json.loads(result.stdout)["decision"] != "allow"


@pytest.mark.parametrize("line", [
    "true | rm() { :; }; rm -rf ~",
    "( rm() { :; } ); rm -rf ~",
    "echo $(rm() { :; }); rm -rf ~",
])
def test_function_defined_in_a_subshell_does_not_outlive_it(line, isolated_home):
    """bash runs the program rm here: the function lived in a subshell."""
    assert ["rm", "-rf", "/h"] in argvs(line)
    result = run_guardsh(["check", "--json", line], isolated_home)
    assert json.loads(result.stdout)["decision"] != "allow"


def test_function_defined_in_a_group_is_still_called():
    assert argvs("{ f() { echo in-f; }; }; f") == [["echo", "in-f"]]


@pytest.mark.parametrize("line, expected", [
    ('seq -s " " 5', [["seq", "-s", " ", "5"]]),  # tree-sitter folds the space into the closing quote
    ('fzf -q "a$ | b$"', [["fzf", "-q", "a$ | b$"]]),  # a `$` before a space or quote is literal
    ('echo "$" "" "  a  "', [["echo", "$", "", "  a  "]]),
])
def test_double_quoted_text_is_kept_whole(line, expected):
    assert argvs(line) == expected


@pytest.mark.parametrize("line", [
    "coproc X { rm -rf ~; }",
    "coproc { rm -rf ~; }",
    "coproc X while true; do rm -rf ~; done",
    "coproc ( rm -rf ~ )",
])
def test_coproc_compound_command_is_read(line, isolated_home):
    assert ["rm", "-rf", "/h"] in argvs(line)
    result = run_guardsh(["check", "--json", line], isolated_home)
    assert json.loads(result.stdout)["decision"] != "allow"


def reading(line: str) -> list[tuple]:
    return [(" ".join(w.text for w in c.argv), c.cwd, c.stdin.kind if c.stdin else None,
             [f"{r.fd or ''}{r.op}{r.target.text if r.target else ''}" for r in c.redirects])
            for c in read_line(line, {}, cwd="/w", home="/h", budget=10) if c.argv]


@pytest.mark.parametrize("line, expected", [
    # tree-sitter reads `a | b | c && d` as `a | (b | c && d)`: d would read the pipe,
    # and a `cd` before it would seem to move it.
    ("a | b | c && d", [("a", "/w", None, []), ("b", "/w", "command", []), ("c", "/w", "command", []),
                        ("d", "/w", None, [])]),
    ("a | cd /x | c && rm -rf y", [("a", "/w", None, []), ("cd /x", "/w", "command", []),
                                   ("c", "/w", "command", []), ("rm -rf y", "/w", None, [])]),
    # |& is 2>&1 |, made after the writer's own redirections.
    ("a |& b", [("a", "/w", None, ["2>&1"]), ("b", "/w", "command", [])]),
    ("a 2>f |& b", [("a", "/w", None, ["2>f", "2>&1"]), ("b", "/w", "command", [])]),
])
def test_pipeline_ends_where_bash_ends_it(line, expected):
    assert reading(line) == expected


@pytest.mark.parametrize("line", [
    "true || rm() { :; }; rm -rf ~",
    "if false; then rm() { :; }; fi; rm -rf ~",
    "for x in; do rm() { :; }; done; rm -rf ~",
])
def test_function_defined_in_a_branch_may_not_exist(line, isolated_home):
    """bash runs the program rm when the branch that defines the function is not taken."""
    assert ["rm", "-rf", "/h"] in argvs(line)
    result = run_guardsh(["check", "--json", line], isolated_home)
    assert json.loads(result.stdout)["decision"] != "allow"


def test_function_defined_unconditionally_replaces_the_program():
    assert argvs("rm() { :; } && rm -rf ~") == [[":"]]


@pytest.mark.parametrize("line, expected", [
    ("--song=s p", [["--song=s", "p"]]),  # not a variable name: bash runs the word
    ('a | --song="x y" p', [["a"], ["--song=x y", "p"]]),
    ("9a=1 ls", [["9a=1", "ls"]]),
    ("a[1]=x ls", [["ls"]]),
])
def test_only_a_name_makes_an_assignment(line, expected):
    assert argvs(line) == expected


@pytest.mark.parametrize("line", ["touch rm; [r]m -rf ~", "[r]m -rf ~", "r[m] -rf ~"])
def test_program_named_by_a_pattern_is_not_allowed(line, isolated_home):
    """A file `rm` in the directory makes bash run rm: the name is only known at run time."""
    result = run_guardsh(["check", "--json", line], isolated_home)
    assert json.loads(result.stdout)["decision"] != "allow"


def test_bare_bracket_word_is_a_command_not_a_test():
    (cmd,) = read_line("[abc]", {}, cwd="/w", home="/h", budget=10)
    assert [(w.text, w.glob) for w in cmd.argv] == [("[abc]", True)]
    assert read_line("[ -f x ]", {}, cwd="/w", home="/h", budget=10) == []


def cwds(line: str) -> list[tuple[str, str | None]]:
    return [(" ".join(w.text for w in c.argv), c.cwd) for c in read_line(line, {}, cwd="/w", home="/h", budget=10)]


@pytest.mark.parametrize("line, expected", [
    # Whether a cd after && or || ran is known at run time only ...
    ("false && cd d1 || alpha", [("false", "/w"), ("cd d1", "/w"), ("alpha", None)]),
    ("a || cd x && b", [("a", "/w"), ("cd x", "/w"), ("b", None)]),
    ("a && cd x && b; c", [("a", "/w"), ("cd x", "/w"), ("b", "/w/x"), ("c", None)]),
    ("if t; then cd x; b; fi; c", [("t", "/w"), ("cd x", "/w"), ("b", "/w/x"), ("c", None)]),
    # ... but what runs only after it, or after a cd that always runs, is in its directory.
    ("cd x && make && rm -rf b", [("cd x", "/w"), ("make", "/w/x"), ("rm -rf b", "/w/x")]),
    ("cd x; b", [("cd x", "/w"), ("b", "/w/x")]),
])
def test_directory_after_a_cd_that_may_not_run(line, expected):
    assert cwds(line) == expected


@pytest.mark.parametrize("line, expected", [
    ('cd d1 || v=a && alpha "$v"', [["cd", "d1"], ["alpha", DYN]]),
    ('true || X=/tmp/x; rm -rf "$X"/', [["true"], ["rm", "-rf", DYN + "/"]]),
    ("if f; then X=1; fi; echo $X", [["f"], ["echo", DYN]]),
    ("a && X=1 && echo $X", [["a"], ["echo", "1"]]),  # runs only after the assignment
    ('X=/tmp/x; rm -rf "$X"/', [["rm", "-rf", "/tmp/x/"]]),
])
def test_variable_set_where_it_may_not_run_is_unknown_after(line, expected):
    assert argvs(line) == expected


@pytest.mark.parametrize("line", ['true || X=/tmp/x; rm -rf "$X"/', 'if false; then X=/tmp/x; fi; rm -rf "$X"/'])
def test_variable_set_where_it_may_not_run_is_judged_unknown(line, isolated_home):
    """bash runs rm -rf / here."""
    result = run_guardsh(["check", "--json", line], isolated_home)
    assert json.loads(result.stdout)["decision"] != "allow"


def test_redirect_words_after_a_list_are_read_when_bash_reads_them():
    # tree-sitter hangs `>o1 "$v"` on the list; bash expands "$v" after v=a ran.
    assert argvs('v=a && alpha >o1 "$v"') == [["alpha", "a"]]


@pytest.mark.parametrize("line, expected", [
    ("v='p q'; alpha >o1 $v", [["alpha", "p", "q"]]),
    ("rm 2>/dev/null -rf {a,b}", [["rm", "-rf", "a", "b"]]),
])
def test_words_misread_as_redirect_targets_are_split_as_arguments(line, expected):
    assert argvs(line) == expected


def test_bashlex_reader_keeps_descriptors():
    # `2>&1 a | ...` is read by bashlex (tree-sitter fails on it).
    (first, _) = read_line("2>&1 alpha | >o1 alpha <<<hi", {}, cwd="/w", home="/h", budget=10)
    assert [(r.op, r.fd, r.target.text) for r in first.redirects] == [(">&", "2", "1")]


def test_bashlex_reader_isolates_pipeline_parts():
    # tree-sitter fails on this line; bashlex reads it. `cd` in a pipeline part does not move the line.
    assert cwds("cd d1 | alpha 2>&1 <<<hi") == [("cd d1", "/w"), ("alpha", "/w")]


def test_bashlex_reader_replaces_the_whole_substitution():
    # tree-sitter fails on this line; bashlex's position of $( ) stops before its `)`.
    assert argvs("echo $( v=a 2>&1 ) x") == [["echo", DYN, "x"]]


@pytest.mark.parametrize("line, expected", [
    ("eval 'alpha x' > o1", [("alpha x", "/w", None, [">o1"])]),
    ("true || eval 'git status' < /dev/null", [("true", "/w", None, []), ("git status", "/w", "file", ["</dev/null"])]),
    ("{ eval 'a 2>&1'; } > f", [("a", "/w", None, [">f", "2>&1"])]),  # the group's redirect once, first
])
def test_eval_runs_its_text_with_its_redirections(line, expected):
    assert reading(line) == expected


def test_eval_into_an_existing_file_empties_it(isolated_home, project):
    (project / "notes.txt").write_text("keep\n")
    result = run_guardsh(["check", "--json", "eval true > notes.txt"], isolated_home)
    assert json.loads(result.stdout)["decision"] != "allow"


@pytest.mark.parametrize("line, expected", [
    # tree-sitter reads `cd d1 && a > f | b` as `(cd d1 && a > f) | b`: b would seem to run in /w.
    ("cd d1 && a >o1 | b", [("cd d1", "/w", None, []), ("a", "/w/d1", None, [">o1"]),
                            ("b", "/w/d1", "command", [])]),
    ("cd d1 && a > f | b > g", [("cd d1", "/w", None, []), ("a", "/w/d1", None, [">f"]),
                                ("b", "/w/d1", "command", [">g"])]),
])
def test_list_before_a_pipeline_runs_before_it(line, expected):
    assert reading(line) == expected


def test_stderr_pipe_after_a_list_belongs_to_its_last_command():
    assert reading("a && b >o1 |& c") == [("a", "/w", None, []), ("b", "/w", None, [">o1", "2>&1"]),
                                          ("c", "/w", "command", [])]


@pytest.mark.parametrize("line, expected", [
    ("eval 'cd d1' && alpha", [("cd d1", "/w"), ("alpha", "/w/d1")]),  # eval runs in this shell
    ("bash -c 'cd d1' && alpha", [("cd d1", "/w"), ("alpha", "/w")]),  # another shell's cd stays there
])
def test_cd_in_eval_moves_the_line(line, expected):
    assert cwds(line) == expected


def test_bashlex_reader_reads_stderr_pipe():
    # tree-sitter fails on this line; bashlex reads `|&` as 2>&1 |.
    assert reading("alpha 2>&1 <<<hi |& cd d1")[0][3] == ["2>&1", "<<<hi", "2>&1"]


def test_bashlex_reader_knows_a_cd_that_may_not_run():
    # tree-sitter fails on these lines (a here-string after >o1); bashlex reads them.
    assert cwds("cd d1 || cd d1 && alpha >o1 <<<hi")[-1] == ("alpha", None)
    assert cwds("cd d1; x <<<hi && alpha") == [("cd d1", "/w"), ("x", "/w/d1"), ("alpha", "/w/d1")]


def test_function_call_redirects_its_body(isolated_home, project):
    assert reading("fn() { alpha; }; fn >o1") == [("alpha", "/w", None, [">o1"])]
    (project / "notes.txt").write_text("keep\n")
    # judged again with the redirect, although the first call changed nothing
    result = run_guardsh(["check", "--json", "f() { true; }; f; f > notes.txt"], isolated_home)
    assert json.loads(result.stdout)["decision"] != "allow"


def test_redirect_after_an_unfolded_list_and_pipeline_stays_on_its_command():
    assert [r[3] for r in reading("a && b | c > o1 | d")] == [[], [], [">o1"], []]


def test_stderr_pipe_inside_an_unfolded_pipeline():
    assert [r[3] for r in reading("a && b |& c >o1 | d")] == [[], ["2>&1"], [">o1"], []]


def test_call_of_a_function_that_may_not_exist():
    # fn is the function (cd d1) or the program fn: after it, the directory is not sure.
    assert cwds("cd d1 || fn() { cd d1; }; fn && alpha") == [
        ("cd d1", "/w"), ("cd d1", "/w/d1"), ("fn", "/w/d1"), ("alpha", None)]


def test_bashlex_reader_redirects_a_group():
    # tree-sitter fails on this line (a here-string after 2>&1); bashlex reads the group's redirects.
    assert [r[3] for r in reading("{ a; b; } 2>&1 > f <<<x | c")] == [
        ["2>&1", ">f", "<<<x"], ["2>&1", ">f", "<<<x"], []]


def test_bashlex_reader_isolates_a_subshell():
    # tree-sitter fails on this line; in bash the subshell's cd does not move alpha.
    assert cwds("( alpha 2>&1 <<<hi; cd d1 ) && alpha")[-1] == ("alpha", "/w")


def test_bashlex_reader_does_not_run_a_function_where_it_is_defined():
    # tree-sitter fails on this line; the body's cd runs only when fn is called (in the pipeline).
    assert cwds("fn() { cd d1; }; fn | alpha >o1 <<<hi")[-1] == ("alpha", "/w")


@pytest.mark.parametrize("line, expected", [
    # `&` runs the statement in a background subshell: what it defines or changes stays there.
    ("rm() { :; } & rm -rf ~", [("rm -rf /h", "/w")]),
    ("cd d1 & alpha", [("cd d1", "/w"), ("alpha", "/w")]),
    ("{ cd d1 & alpha; }", [("cd d1", "/w"), ("alpha", "/w")]),
    ("cd d1 && beta & alpha", [("cd d1", "/w"), ("beta", "/w/d1"), ("alpha", "/w")]),
    ("cd d1; alpha &", [("cd d1", "/w"), ("alpha", "/w/d1")]),
    ("echo $( cd d1 & alpha )", [("cd d1", "/w"), ("alpha", "/w"), ("echo \x00", "/w")]),
    ("case x in x) cd d1 & alpha;; esac", [("cd d1", "/w"), ("alpha", "/w")]),
])
def test_a_backgrounded_statement_changes_nothing_after_it(line, expected):
    assert cwds(line) == expected


@pytest.mark.parametrize("line", ["rm() { :; } & rm -rf ~", "alias rm=: & rm -rf ~"])
def test_a_function_defined_in_the_background_is_not_the_one_called(line, isolated_home):
    result = run_guardsh(["check", "--json", line], isolated_home)
    assert json.loads(result.stdout)["decision"] != "allow"


def test_bashlex_reader_runs_a_backgrounded_list_in_a_subshell():
    from guardsh.shell import bashlex
    from guardsh.shell.budget import Budget
    from guardsh.shell.session import ShellSession

    scan = ShellSession({}, "/w", "/h", Budget(10))
    bashlex.walk("cd d1 && beta & rm() { :; } & alpha; rm -rf ~", scan, ())
    seen = [(" ".join(w.text for w in c.argv), c.cwd) for c in scan.commands]
    assert seen[:2] == [("cd d1", "/w"), ("beta", "/w/d1")]
    assert ("alpha", "/w") in seen and seen[-1] == ("rm -rf /h", "/w")


@pytest.mark.parametrize("line, expected", [
    # tree-sitter fails on `v=a 2>&1 | ...`, so bashlex reads these; bashlex kept some
    # quotes of a word quoted in pieces (found by the bash oracle's generated lines).
    ("""v=a 2>&1 | eval 'rm -rf '"'"'/'"'"''""", [[], ["rm", "-rf", "/"]]),
    # (v=a is set in its own pipeline part: "$v" is not known here.)
    ("""v=a 2>&1 | eval 'alpha '"'"'p q'"'"' "$v"'""", [[], ["alpha", "p q", DYN]]),
    ("""v=a 2>&1 | alpha "a\\"b" c\\ d 'e\\f' "g\\h" 'p'"q"r""", [[], ["alpha", 'a"b', "c d", "e\\f", "g\\h", "pqr"]]),
])
def test_bashlex_reader_removes_quotes_as_bash_does(line, expected):
    assert [[w.text for w in c.argv] for c in read_line(line, {}, cwd="/w", home="/h", budget=10)] == expected


def test_bashlex_reader_gives_the_pipe_stderr_to_the_command_not_its_substitution():
    # tree-sitter fails on `v=a >o1 | ...`; found by the bash oracle's re-print check.
    seen = commands("v=a >o1 | echo $( alpha ) |& beta")
    assert ("alpha", []) in seen and ("echo \x00", ["2>&1"]) in seen


@pytest.mark.parametrize("line, expected", [
    # Found by the bash oracle's generated lines: a substitution's stdout is its pipe.
    ("{ alpha $(beta a); } >o1", [("beta a", []), ("alpha \x00", [">o1"])]),
    ("{ alpha <(beta); } >o1", [("beta", []), ("alpha \x00", [">o1"])]),
    ("{ alpha $(beta a); } 2>e", [("beta a", ["2>e"]), ("alpha \x00", ["2>e"])]),
    ("{ alpha $(beta a); } &>o1", [("beta a", ["2>o1"]), ("alpha \x00", ["&>o1"])]),
])
def test_a_groups_stdout_redirect_does_not_reach_a_substitution(line, expected):
    assert commands(line) == expected


@pytest.mark.parametrize("line", [
    "( f() { true; }; f ) && f() { rm -rf ~; }; f",
    "( fn() { beta; }; fn ) && fn() { rm -rf ~; }; fn",
    # The cache of judged calls knew nothing of the functions a body calls.
    "g() { h; }; h() { :; }; g; h() { rm -rf ~; }; g",
])
def test_a_judged_call_is_judged_again_when_what_it_runs_changed(line, isolated_home):
    # Found by the bash oracle's generated lines: the judged-call cache was keyed
    # by id() of a body node that had been freed, and the second body got its id
    # (whether it did depends on the garbage collector: guardsh check allowed the first line).
    assert ["rm", "-rf", "/h"] in argvs(line)
    result = run_guardsh(["check", "--json", line], isolated_home)
    assert json.loads(result.stdout)["decision"] != "allow"
