"""Properties that must hold for every input, not just the examples we
thought of (issue 5):

1. any command line, however odd, gets a verdict: analyse and judge never raise;
2. a destructive command is never allowed because of where it sits on the
   line (in `$( )`, a loop, a function, behind sudo or `bash -c`, ...);
3. hostile input (megabytes, deep nesting, NUL, invalid UTF-8, garbage,
   unterminated quotes) gets a decision, not a traceback or a hang, through
   the library and through the CLI, and what cannot be read is never allowed;
4. `guardsh check --batch --json` answers every line, in order.

A short fuzz (tests/fuzzing.py, which runs it for longer by hand) closes.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shlex
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers import GUARDSH, guardsh_env
from fuzzing import (BENIGN, CHILD_TRIES, CONTEXTS, CRASH_PRONE, DECISIONS, DESTRUCTIVE, HIDDEN_CRASH, HOME,
                       PROJECT, RUNNERS, SHELL_PREFIXES, build_wrapped, examine, limit_memory)
from guardsh.engine import judge
from guardsh.policy.decide import Verdict
from guardsh.policy.load import load_ruleset

RULESET = load_ruleset(user_file="")
# Guards against hangs only, not a benchmark: 2 MB lines take 3 to 11 s on a
# loaded 2-core machine. A generated line (short) gets LINE_SECONDS; a runaway
# judgement is stopped then, before it eats the machine's memory.
HANG_SECONDS = 30.0
LINE_SECONDS = 5.0

# Every test gets conftest's autouse home fixture, which these tests do not
# need between examples.
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True, scope="module")
def capped_memory():
    """A runaway judgement in this process fails with MemoryError (which
    analyse reports as shell.internal-error) instead of taking the machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit_memory()
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _judge(line: str) -> Verdict:
    return judge(line, RULESET, cwd=PROJECT, home=HOME)


# --- 1. never raise ---------------------------------------------------------

# Programs the analysers read specially, so that generated lines reach them.
PROGRAMS = ["rm", "psql", "mysql", "sqlite3", "redis-cli", "mongosh", "curl", "wget", "git", "kubectl",
            "terraform", "docker", "railway", "gh", "dd", "find", "xargs", "sudo", "env", "timeout",
            "nohup", "bash", "sh", "eval", "source", ".", "exec", "echo", "printf", "cat", "base64",
            "tee", "python3", "node", "cd", "export", "alias", "trap", "ssh", "parallel", "true"]
ARGS = ["-rf", "-c", "-e", "-X", "DELETE", "-d", "--force", "-f", "~", "/", ".", "..", "*", "-",
        "'DROP TABLE t'", '"DELETE FROM x"', "'{\"query\":\"mutation { volumeDelete(id: 1) }\"}'",
        "https://api.example.com/x", "of=/dev/sda", "--", "-i", "{}", "+", "-exec", "-delete", "-0"]

plain = st.text(alphabet="abcxyz019_-./:@%+,=", min_size=1, max_size=8)
any_text = st.text(max_size=6)  # every code point but surrogates: unicode, control characters
odd = st.sampled_from(["\udcff", "\udc80", "\x00", "\r", "\x1b[31m", "\u202e", "\ufeff", "\t", "\x7f"])
single_quoted = st.text(max_size=8).map(lambda s: "'" + s.replace("'", "") + "'")
ansi_c = st.lists(st.one_of(st.text(alphabet="abc xyz", max_size=3),
                            st.sampled_from(["\\n", "\\x41", "\\u00e9", "\\'", "\\0", "\\\\", "\\cA", "\\e"])),
                  max_size=4).map(lambda parts: "$'" + "".join(parts) + "'")
backslashed = st.characters().map(lambda c: "\\" + c)
glob = st.sampled_from(["*", "?", "[a-z]", "**/*.py", "*.log", ".*", "[!x]"])
brace = st.sampled_from(["{a,b}", "{1..3}", "x{,.bak}", "{a,{b,c}}", "{z..a..2}", "{}", "{,}"])
expansion = st.sampled_from(["$X", "${X}", "${X:-y}", "${#X}", "$1", "$@", "$?", "~", "~/x", "$((1+2))",
                             "${X//a/b}", "${!X}", "$$", "${X:?}", "$HOME"])


def _words(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """One shell word of one to three parts, every kind of quoting, with
    substitutions that hold `inner` lines."""
    double_quoted = st.lists(st.one_of(
        st.text(max_size=6).map(lambda s: "".join(c for c in s if c not in '"\\$`')),
        expansion, st.sampled_from(['\\"', "\\$", "\\\\", "\\`"]), inner.map(lambda s: f"$({s})")),
        max_size=3).map(lambda parts: '"' + "".join(parts) + '"')
    part = st.one_of(plain, st.sampled_from(ARGS), single_quoted, double_quoted, ansi_c, backslashed,
                     glob, brace, expansion, any_text, odd,
                     inner.map(lambda s: f"$({s})"), inner.map(lambda s: f"`{s}`"),
                     inner.map(lambda s: f"<({s})"), inner.map(lambda s: f">({s})"))
    return st.lists(part, min_size=1, max_size=3).map("".join)


def _simple(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    word = _words(inner)
    assignment = st.builds(lambda n, w: f"{n}={w}", st.sampled_from(["X", "PATH", "CMD", "a"]), word)
    redirect = st.builds(lambda op, w: f"{op}{w}",
                         st.sampled_from([">", ">>", "<", "2>", "&>", ">|", "<<<", "2>&1 >", "<&", " > "]),
                         word) | st.sampled_from(["2>&1", ">&2", "<&-", ">/dev/null"])
    return st.builds(lambda assigns, name, args, redirects: " ".join([*assigns, name, *args, *redirects]),
                     st.lists(assignment, max_size=2), st.sampled_from(PROGRAMS) | word,
                     st.lists(word, max_size=4), st.lists(redirect, max_size=2))


def _heredoc(cmd: str, quote: str, dash: bool, body: str, delimiter: str) -> str:
    op = "<<-" if dash else "<<"
    body = "\t" + body.replace("\n", "\n\t") if dash else body
    return f"{cmd} {op}{quote}{delimiter}{quote}\n{body}\n{delimiter}\n"


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    word = _words(inner)
    two = st.tuples(inner, inner)
    return st.one_of(
        st.builds(lambda a, op, b: f"{a}{op}{b}", inner,
                  st.sampled_from([" ; ", " && ", " || ", " | ", " & ", " |& ", "\n", ";"]), inner),
        inner.map(lambda s: f"( {s} )"), inner.map(lambda s: f"{{ {s}; }}"), inner.map(lambda s: f"! {s}"),
        st.builds(lambda c, t, e: f"if {c}; then {t}; else {e}; fi", inner, inner, inner),
        st.builds(lambda c, t, e: f"if {c}; then {t}; elif {c}; then {e}; fi", inner, inner, inner),
        two.map(lambda p: f"while {p[0]}; do {p[1]}; done"),
        two.map(lambda p: f"until {p[0]}; do {p[1]}; done"),
        st.builds(lambda ws, body: f"for i in {' '.join(ws)}; do {body}; done", st.lists(word, max_size=3), inner),
        inner.map(lambda s: f"for ((i=0; i<3; i++)); do {s}; done"),
        st.builds(lambda w, a, b: f"case {w} in a|b) {a};; *) {b};; esac", word, inner, inner),
        st.builds(lambda n, s: f"{n}() {{ {s}; }}; {n}", st.sampled_from(["f", "rm", "git", "cleanup"]), inner),
        inner.map(lambda s: f"function g {{ {s}; }}; g x"),
        st.builds(_heredoc, st.sampled_from(["cat", "bash", "psql", "python3 -", "sh -s"]),
                  st.sampled_from(["", "'", '"']), st.booleans(), inner | any_text,
                  st.sampled_from(["EOF", "SQL", "X"])),
        inner.map(lambda s: f"bash -c {shlex.quote(s)}"), inner.map(lambda s: f"eval {shlex.quote(s)}"),
        inner.map(lambda s: 'sh -c "' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
        inner.map(lambda s: f"echo {shlex.quote(s)} | bash"),
        st.builds(lambda a, b: f"[[ {a} == {b} ]]", word, word),
        word.map(lambda w: f"(( x += {w} ))"),
        inner.map(lambda s: f"time {s}"), inner.map(lambda s: f"coproc {s}"),
        word.map(lambda w: f"a=(1 {w} 2)"),
    )


shell_lines = st.recursive(_simple(st.just("true") | plain), lambda inner: _simple(inner) | _compound(inner),
                           max_leaves=12)
# Cut a valid-looking line anywhere: unterminated quotes, heredocs, groups.
cut_lines = st.builds(lambda line, where: line[:int(len(line) * where)], shell_lines, st.floats(0, 1))
arbitrary_lines = shell_lines | cut_lines | st.text(max_size=60)


@PROPERTY
@given(arbitrary_lines)
def test_any_line_gets_a_verdict_and_never_raises(line):
    """analyse and judge return, the decision is one of three, and the
    verdict can be shown as JSON and as refusal text (fuzzing.examine)."""
    decision, problem = examine(line, RULESET, LINE_SECONDS)
    assert problem is None or problem.startswith(HIDDEN_CRASH), problem
    assert decision in DECISIONS


@PROPERTY
@given(arbitrary_lines)
def test_no_analyser_crash_is_hidden_as_an_internal_error(line):
    """analyse turns any exception into `shell.internal-error` (fail closed);
    that must stay a safety net, not a bug that flags ordinary lines."""
    _, problem = examine(line, RULESET, LINE_SECONDS)
    assert problem is None or not problem.startswith(HIDDEN_CRASH), problem


# --- 2. never fail open -----------------------------------------------------

@st.composite
def destructive_in_benign_lines(draw) -> str:
    core = draw(st.sampled_from(DESTRUCTIVE))
    wrappers = draw(st.lists(st.sampled_from(RUNNERS), max_size=2))
    wrappers += draw(st.lists(st.sampled_from(SHELL_PREFIXES), max_size=1))
    layers = draw(st.lists(st.tuples(st.sampled_from([name for name, _ in CONTEXTS]), st.sampled_from(BENIGN)),
                           max_size=4))
    return build_wrapped(core, wrappers, layers)


def example_each(lines):
    """hypothesis's @example, once per line."""
    def decorate(test):
        for line in reversed(lines):
            test = example(line)(test)
        return test
    return decorate


def test_every_destructive_command_is_blocked_on_its_own():
    assert [c for c in DESTRUCTIVE if _judge(c).decision == "allow"] == []


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(destructive_in_benign_lines())
def test_generated_lines_are_valid_bash(line):
    result = subprocess.run(["bash", "-n", "-c", line], capture_output=True, timeout=10)
    assert result.returncode == 0, result.stderr.decode()


# Lines this property has found allowed: kept as regressions.
FOUND = [
    build_wrapped("rm -rf ~", ["sudo FOO=bar"], []),
    build_wrapped("rm -rf ~", ["time FOO=bar"], []),
    build_wrapped("rm -rf ~", [], [("backticks", "echo hi"), ("backticks", "echo hi")]),
    build_wrapped("rm -rf ~", [], [("$( ) in a word", "echo hi"), ("backticks", "echo hi")]),
    build_wrapped("rm -rf ~", [], [("function called", "echo hi"), ("function called", "echo hi")]),
    build_wrapped("rm -rf data", [], [("after ;", "(cd /tmp && ls)")]),
    build_wrapped("rm -rf data", [], [("after ;", 'echo "$(cd /tmp; pwd)"')]),
    build_wrapped("rm -rf ~", [], [("bash <<<", "echo hi"), ("before &&", "x=1"), ("backticks", "echo hi")]),
    build_wrapped("\\rm -rf ~", [], [("heredoc to bash", "echo hi")]),
]


@PROPERTY
@given(destructive_in_benign_lines())
@example_each(FOUND)
def test_destructive_command_is_never_allowed_wherever_it_sits(line):
    verdict = _judge(line)
    assert verdict.decision != "allow", [c.display() for c in verdict.commands]


# --- 3. hostile input -------------------------------------------------------

def _nested_bash_c(line: str, depth: int) -> bytes:
    """Quoting grows fivefold a level: 9 levels are 39 KB."""
    for _ in range(depth):
        line = f"bash -c {shlex.quote(line)}"
    return line.encode()


def _nested_heredocs(line: str, depth: int) -> bytes:
    for level in range(depth):
        line = f"bash <<'E{level}'\n{line}\nE{level}"
    return line.encode()


GARBAGE = random.Random(5).randbytes(4096)

# (id, raw bytes, whether it must not be allowed: unreadable or destructive)
HOSTILE = [
    ("2MB-of-a", b"a " * 1_000_000, False),
    ("2MB-single-word", b"x" * 2_000_000, False),
    ("rm-after-2MB-of-echo", b"echo hi; " * 230_000 + b"rm -rf ~", True),
    ("5000-nested-$(-around-rm", b"echo " + b"$(" * 5000 + b"rm -rf ~" + b")" * 5000, True),
    ("5000-nested-(-around-rm", b"(" * 5000 + b"rm -rf ~" + b")" * 5000, True),
    ("5000-nested-{-around-rm", b"{ " * 5000 + b"rm -rf ~" + b"; }" * 5000, True),
    ("5000-nested-benign-$(", b"echo " + b"$(echo " * 5000 + b"hi" + b")" * 5000, False),
    ("5000-unclosed-$(", b"echo " + b"$(" * 5000, True),
    ("5000-unclosed-(", b"(" * 5000 + b"ls", True),
    ("5000-unclosed-{", b"{ " * 5000 + b"ls;", True),
    ("9-nested-bash-c-around-rm", _nested_bash_c("rm -rf ~", 9), True),
    ("30-nested-heredocs-around-rm", _nested_heredocs("rm -rf ~", 30), True),
    ("brace-bomb", b"echo " + b"{a,b}" * 40, False),
    ("brace-bomb-around-rm", b"rm -rf " + b"{a,b}" * 40 + b" ~", True),
    ("nul-in-word", b"echo a\x00b", True),
    ("nul-hides-rm", b"echo ok\x00; rm -rf ~", True),
    ("invalid-utf8-word", b"echo \xff\xfe", False),
    ("invalid-utf8-rm-target", b"rm -rf ~/\xff", True),
    ("invalid-utf8-in-sql", b"psql -c 'DROP TABLE \xff\xfe'", True),
    ("lone-continuation-bytes", b"ls \xc0\xaf \x80", False),
    ("binary-garbage", GARBAGE, True),
    ("binary-garbage-no-nul", GARBAGE.replace(b"\x00", b""), True),
    ("control-characters", b"echo \x01\x02\x1b[31m\x7f", False),
    ("brace-then-astral-character", "echo {\U000f0000}".encode(), False),
    ("unterminated-single-quote", b"echo 'abc", True),
    ("unterminated-double-quote", b'echo "abc', True),
    ("unterminated-ansi-c-quote", b"echo $'abc", True),
    ("unterminated-backtick", b"echo `ls", True),
    ("unterminated-$(", b"echo $(ls", True),
    ("unterminated-heredoc", b"cat <<EOF\nhello", True),
    ("unterminated-quoted-heredoc", b"cat <<'EOF'\nhello", True),
    ("unterminated-heredoc-into-bash", b"bash <<EOF\nrm -rf ~", True),
]
HOSTILE_IDS = [case[0] for case in HOSTILE]


def _crash_prone(raw: bytes) -> bool:
    return bool(CRASH_PRONE.search(raw.decode("utf-8", "surrogateescape")))


@pytest.mark.parametrize("name,raw,must_block", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_input_gets_a_decision_in_the_library(name, raw, must_block):
    text = raw.decode("utf-8", "surrogateescape")  # as the CLI decodes it
    started = time.monotonic()
    decision, problem = examine(text, RULESET, HANG_SECONDS)
    elapsed = time.monotonic() - started
    assert problem is None or problem.startswith(HIDDEN_CRASH), problem
    assert decision in DECISIONS
    assert elapsed < HANG_SECONDS * (CHILD_TRIES if _crash_prone(raw) else 1), f"{name}: {elapsed:.1f} s"
    if must_block:
        assert decision != "allow"


@pytest.mark.parametrize("line", ["{\U000f0000", "echo {\U000e0001}", "''{\U000ddd54"])
def test_brace_before_a_four_byte_character_does_not_crash_the_parser(line, isolated_home):
    """tree-sitter-bash 0.25 reads out of bounds here (tree-sitter-bash#337):
    unguarded, a SIGSEGV about every other run, which kills the agent's command."""
    for _ in range(6):
        result, _ = _run(["check", "--json", line], isolated_home, None)
        assert result.returncode in (0, 1), f"guardsh died with {result.returncode}"


def _run(args: list, home, stdin: bytes | None, marker=None,
         timeout: float = HANG_SECONDS) -> tuple[subprocess.CompletedProcess, float]:
    """guardsh as an agent runs it, with a stand-in for bash that records
    that it was run, so that nothing hostile is ever executed; its memory is
    capped and it is killed after `timeout` seconds (the test then fails)."""
    extra = {}
    if marker is not None:
        fake_bash = home / "fake-bash"
        fake_bash.write_text(f"#!/bin/sh\necho ran > {shlex.quote(str(marker))}\n")
        fake_bash.chmod(0o755)
        extra["GUARDSH_BASH"] = str(fake_bash)
    started = time.monotonic()
    try:
        result = subprocess.run([GUARDSH, *args], cwd=home / "project", input=stdin,
                                stdin=None if stdin is not None else subprocess.DEVNULL, capture_output=True,
                                env=guardsh_env(home, **extra), start_new_session=True, timeout=timeout,
                                preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"guardsh {str(args[0])[:20]} still running after {timeout:.0f} s")
    return result, time.monotonic() - started


@pytest.mark.parametrize("name,raw,must_block", [c for c in HOSTILE if b"\n" not in c[1]],
                         ids=[c[0] for c in HOSTILE if b"\n" not in c[1]])
def test_hostile_line_gets_a_decision_from_check_batch(name, raw, must_block, isolated_home):
    for _ in range(CHILD_TRIES if _crash_prone(raw) else 1):  # a crash shows about every other run
        result, elapsed = _run(["check", "--batch", "--json"], isolated_home, raw)
        assert result.returncode >= 0, f"guardsh died with signal {-result.returncode}"
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")[-2000:]
    out = result.stdout.decode().splitlines()
    assert result.returncode == 0 and len(out) == 1
    decision = json.loads(out[0])["decision"]
    assert decision in DECISIONS
    assert elapsed < HANG_SECONDS, f"{name}: {elapsed:.1f} s"
    if must_block:
        assert decision != "allow"


# One argv string may not exceed 128 KiB (Linux MAX_ARG_STRLEN), and none may hold NUL.
ARGV_SAFE = [c for c in HOSTILE if len(c[1]) < 100_000 and b"\x00" not in c[1]]


@pytest.mark.parametrize("name,raw,must_block", ARGV_SAFE, ids=[c[0] for c in ARGV_SAFE])
def test_hostile_argv_gets_a_decision_from_guardsh_c(name, raw, must_block, isolated_home):
    marker = isolated_home / "bash-ran"
    for _ in range(CHILD_TRIES if _crash_prone(raw) else 1):
        result, elapsed = _run([b"-c", raw], isolated_home, None, marker)
        assert result.returncode >= 0, f"guardsh died with signal {-result.returncode}"
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")[-2000:]
    assert result.returncode in (0, 126), result.stderr.decode(errors="replace")[-2000:]
    assert elapsed < HANG_SECONDS, f"{name}: {elapsed:.1f} s"
    assert marker.exists() == (result.returncode == 0)
    if must_block:
        assert result.returncode == 126 and not marker.exists()


@pytest.mark.parametrize("name,raw,must_block", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_script_on_stdin_gets_a_decision(name, raw, must_block, isolated_home):
    """`guardsh` with the script on stdin, as `bash < script` runs: the path
    that takes NUL bytes and megabytes, which argv cannot carry."""
    marker = isolated_home / "bash-ran"
    for _ in range(CHILD_TRIES if _crash_prone(raw) else 1):
        result, elapsed = _run([], isolated_home, raw, marker)
        assert result.returncode >= 0, f"guardsh died with signal {-result.returncode}"
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")[-2000:]
    assert result.returncode in (0, 126), result.stderr.decode(errors="replace")[-2000:]
    assert elapsed < HANG_SECONDS, f"{name}: {elapsed:.1f} s"
    if must_block:
        assert result.returncode == 126 and not marker.exists()


# An unterminated quote sends the line to the second reader, bashlex, which
# loops on `'${'` followed by a word character, allocating without end.
RUNAWAY = "'${'s;'"
RUNAWAY_SECONDS = 5.0


def test_second_reader_does_not_run_away_in_the_library():
    started = time.monotonic()
    decision, problem = examine(RUNAWAY, RULESET, RUNAWAY_SECONDS, isolate=True)  # it takes ~1 GB a second
    assert problem is None, f"{problem} (after {time.monotonic() - started:.1f} s)"
    assert decision != "allow"


def test_second_reader_does_not_run_away_in_guardsh_c(isolated_home):
    marker = isolated_home / "bash-ran"
    result, _ = _run(["-c", RUNAWAY], isolated_home, None, marker, timeout=RUNAWAY_SECONDS)
    assert result.returncode == 126 and not marker.exists()


# --- 4. batch answers every line, in order ----------------------------------

def _batch_lines() -> list[tuple[bytes, str | None]]:
    """200 lines: (raw line, the decision it must get, or None for any)."""
    rnd = random.Random(4)
    lines = []
    for i in range(200):
        kind = i % 5
        if kind == 0:
            lines.append((f"echo line-{i}".encode(), "allow"))
        elif kind == 1:
            lines.append((f"rm -rf ~/dir{i}".encode(), "confirm"))
        elif kind == 2:
            lines.append((rnd.randbytes(rnd.randint(1, 300)).replace(b"\n", b""), None))
        elif kind == 3:
            lines.append((rnd.choice([b"echo 'open", b"x\x00y", b"\xff\xfe\xfd", b"cat <<EOF", b"$(" * 300,
                                      b"", b"   ", b"\r", b"{ ( ` $( '"]), None))
        else:
            lines.append((rnd.choice([b"a " * 50_000, b"psql -c 'DROP TABLE t'", b"echo $(echo $(ls))",
                                      b"curl -X DELETE https://api.example.com/x"]), None))
    return lines


def test_batch_answers_every_line_in_order_whatever_it_holds(isolated_home):
    lines = _batch_lines()
    result, _ = _run(["check", "--batch", "--json"], isolated_home, b"\n".join(raw for raw, _ in lines))
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")[-2000:]
    out = [json.loads(x) for x in result.stdout.decode().splitlines()]
    assert len(out) == 200
    assert all(v["decision"] in DECISIONS for v in out)
    for i, ((raw, expected), verdict) in enumerate(zip(lines, out)):
        if expected is not None:
            assert verdict["decision"] == expected, (i, raw[:80], verdict)
        if expected == "confirm":  # the answer is this line's, not a neighbour's
            assert any(f"dir{i}" in m["command"] for m in verdict["matches"]), (i, verdict)


# --- a short fuzz -------------------------------------------------------------

@pytest.mark.slow
def test_short_fuzz_finds_no_crash_and_no_fail_open():
    """tests/fuzzing.py for 10 s, in a child with capped memory: a runaway
    judgement costs that child, not the test run."""
    fuzzer = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fuzzing.py")
    result = subprocess.run([sys.executable, fuzzer, "--minutes", "0.17", "--seed", "0", "--max-failures", "10",
                             "--line-seconds", "3", "--shrink-seconds", "5"],
                            capture_output=True, timeout=300, preexec_fn=limit_memory)
    assert result.returncode == 0, (result.stdout + result.stderr).decode(errors="replace")
