"""A fuzzer for guardsh's judge, to run by hand for as long as you like:

    .venv/bin/python tests/fuzzing.py --minutes 10 [--seed N] [--corpus FILE.tsv]
        [--max-failures N] [--line-seconds S] [--shrink-seconds S]

Run it under a memory cap (`ulimit -v 4000000`): a runaway judgement is
stopped after --line-seconds, but may take gigabytes before that.

It has two oracles:
  * no crash: a mutated command line (bytes flipped, shell metacharacters
    inserted, pieces spliced, quotes cut) is judged without raising, without an
    analyser crash hidden as `shell.internal-error`, in bounded time, and the
    verdict can be shown (as JSON and as the refusal text);
  * no fail-open: a line the rules block (a rule's `examples.match`, a
    destructive command, a corpus `block` line) stays blocked when it is put
    anywhere in a benign line (in `$( )`, a loop, a function, behind sudo or
    `bash -c`, ...): where a command sits never turns a block into an allow.

The generators here (DESTRUCTIVE, CONTEXTS, build_wrapped) are shared with
tests/e2e/test_properties.py, which runs a short fuzz in the test suite. pytest
does not collect this file (its name does not start with test_).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

from guardsh.shell.read import read_line
from guardsh.outcome.messages import describe
from guardsh.engine import judge

DECISIONS = {"allow", "snapshot", "confirm", "deny"}  # snapshot: kept first, then run
HANG_SECONDS = 10.0  # one judgement slower than this is a hang, not slowness (the budget is 0.2 s)
HOME = "/home/agent"  # judged as if run here: nothing on disk is read
PROJECT = "/home/agent/project"

# Each must be blocked on its own; every rule pack is represented.
DESTRUCTIVE = [
    "rm -rf ~",
    "rm -rf /",
    "git push --force",
    "psql -c 'DROP TABLE users'",
    "curl -X DELETE https://api.example.com/x",
    "dd if=/dev/zero of=/dev/sda",
    "kubectl delete ns prod",
    "terraform destroy",
    "git reset --hard",
    "redis-cli FLUSHALL",
    "rm -rf data",
    "rm -rf src",
    "\\rm -rf ~",  # the backslash skips aliases; the shell removes it
]

# Ordinary work that surrounds the destructive command.
BENIGN = [
    "echo hi",
    "ls -la",
    "pwd",
    "cat README.md",
    "git status",
    "grep -rn TODO src",
    "npm test",
    "make build",
    "x=1",
    "mkdir -p build",
    "printf '%s\\n' done",
    'echo "$HOME"',
    # cd only in a subshell: it must not move the commands after it (a real
    # `cd` would change what a relative path names, and so the label).
    "(cd /tmp && ls)",
    'echo "$(cd /tmp; pwd)"',
]

# Conditions whose outcome guardsh cannot know.
CONDITIONS = ["[ -d src ]", "test -f package.json", "git diff --quiet", "command -v psql >/dev/null"]

# Programs that run the command that follows them; they nest in any order.
RUNNERS = ["sudo", "env X=1", "timeout 5", "nice", "nohup", "sudo -u root", "nice -n 10", "sudo FOO=bar"]
# What the shell itself reads before a simple command: only the outermost
# (`nice FOO=bar rm` would run a program called FOO=bar).
SHELL_PREFIXES = ["FOO=bar", "time", "command", "time FOO=bar"]


@dataclass(frozen=True)
class Piece:
    """A complete, valid bash command list; `simple` when it is one simple
    command (so `sudo`, `env`, ... can prefix it and a pipe can take it)."""

    text: str
    simple: bool = False


def is_simple(line: str) -> bool:
    """Whether `line` is one simple command that a runner (sudo, nice, ...)
    can prefix: no lists, pipes, groups, leading assignment or redirection."""
    try:
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        return False
    first = tokens[0] if tokens else ""
    return bool(first) and "=" not in first and first[0] not in "<>0123456789({!" and not any(
        t and set(t) <= set(";&|()\n") for t in tokens) and first not in (
        "if", "for", "while", "until", "case", "function", "time", "[[", "coproc")


def _dq(s: str) -> str:
    """s inside double quotes, read back by the shell as s."""
    return '"' + "".join("\\" + c if c in '"$`\\' else c for c in s) + '"'


def _backticks(s: str) -> str:
    """s inside backticks: \\, ` and $ are the characters backticks unescape."""
    return "`" + "".join("\\" + c if c in "`$\\" else c for c in s) + "`"


def _as_unit(p: Piece) -> str:
    """p as one pipeline element."""
    return p.text if p.simple else f"{{ {p.text}; }}"


def _delimiter(body: str) -> str:
    n = 0
    while f"EOF{n}" in body:
        n += 1
    return f"EOF{n}"


def _heredoc_to_shell(p: Piece, b: str) -> Piece:
    d = _delimiter(p.text)
    return Piece(f"{{ bash <<'{d}'\n{p.text}\n{d}\n}}")


# (name, context): each takes the inner piece and a benign command and
# returns a valid line that runs the inner piece. Simplest first, so that
# hypothesis shrinks towards them.
CONTEXTS: list[tuple[str, Callable[[Piece, str], Piece]]] = [
    ("after ;", lambda p, b: Piece(f"{b}; {p.text}")),
    ("before ;", lambda p, b: Piece(f"{p.text}; {b}")),
    ("after &&", lambda p, b: Piece(f"{b} && {_as_unit(p)}")),
    ("after ||", lambda p, b: Piece(f"{b} || {_as_unit(p)}")),
    ("before &&", lambda p, b: Piece(f"{_as_unit(p)} && {b}")),
    ("pipe writer", lambda p, b: Piece(f"{_as_unit(p)} | cat")),
    ("pipe reader", lambda p, b: Piece(f"{b} | {_as_unit(p)}")),
    ("pipe |&", lambda p, b: Piece(f"{_as_unit(p)} |& tee log.txt")),
    ("background", lambda p, b: Piece(f"{_as_unit(p)} & wait")),
    ("subshell", lambda p, b: Piece(f"( {p.text} )")),
    ("group", lambda p, b: Piece(f"{{ {p.text}; }}")),
    ("$( ) in a word", lambda p, b: Piece(f'echo "$( {p.text} )"', simple=True)),
    ("$( ) assigned", lambda p, b: Piece(f"out=$( {p.text} )")),
    ("backticks", lambda p, b: Piece(f"echo {_backticks(p.text)}", simple=True)),
    ("<( )", lambda p, b: Piece(f"cat <( {p.text} )", simple=True)),
    ("for body", lambda p, b: Piece(f"for i in 1 2; do {p.text}; done")),
    ("while body", lambda p, b: Piece(f"while true; do {p.text}; break; done")),
    ("if then", lambda p, b: Piece(f"if [ -d src ]; then {p.text}; fi")),
    ("if else", lambda p, b: Piece(f"if test -f package.json; then {b}; else {p.text}; fi")),
    ("if condition", lambda p, b: Piece(f"if {p.text}; then {b}; fi")),
    # $MODE, not $1: inside a function called with no arguments $1 is known to be empty,
    # and guardsh rightly reads that only the *) branch runs.
    ("case branch", lambda p, b: Piece(f'case "$MODE" in start) {p.text};; *) {b};; esac')),
    ("function called", lambda p, b: Piece(f"cleanup() {{ {p.text}; }}; {b}; cleanup")),
    ("function keyword", lambda p, b: Piece(f"function setup {{ {p.text}; }}; setup")),
    ("function on trap", lambda p, b: Piece(f"cleanup() {{ {p.text}; }}; trap cleanup EXIT; {b}")),
    ("bash -c '...'", lambda p, b: Piece(f"bash -c {shlex.quote(p.text)}", simple=True)),
    ('sh -c "..."', lambda p, b: Piece(f"sh -c {_dq(p.text)}", simple=True)),
    ("eval '...'", lambda p, b: Piece(f"eval {shlex.quote(p.text)}", simple=True)),
    ("bash <<<", lambda p, b: Piece(f"bash <<< {shlex.quote(p.text)}", simple=True)),
    ("heredoc to bash", _heredoc_to_shell),
    ("echo | bash", lambda p, b: Piece(f"echo {shlex.quote(p.text)} | bash")),
]


def build_wrapped(core: str, wrappers: Sequence[str], contexts: Sequence[tuple[str, str]]) -> str:
    """The line that runs `core` behind `wrappers` (innermost first: RUNNERS,
    then at most one of SHELL_PREFIXES) inside `contexts` [(context name,
    benign command)] (innermost first)."""
    by_name = dict(CONTEXTS)
    piece = Piece(core, simple=is_simple(core))
    for w in wrappers:
        piece = Piece(f"{w} {piece.text}", simple=True)
    for name, benign in contexts:
        piece = by_name[name](piece, benign)
    return piece.text


# --- mutation ---------------------------------------------------------------

SHELL_CHARS = list("'\"$`\\(){}[];&|<>*?~#!\n\t =,-@%^") + ["$(", "${", "$'", "<<", "<<<", "<(", "2>&1",
                                                             "&&", "||", "|&", ";;", "\\\n"]
ODD_CHARS = ["\x01", "\x07", "\x1b", "\r", "\x7f", "\u00e9", "\u202e", "\u200b", "\ufeff", "\U0001f600",
             "\udcff", "\x00", "\u3000", "\u0085", "\U000f0000", "\U000e0001", "\udcf3"]


def mutate(line: str, seeds: Sequence[str], rnd: random.Random) -> str:
    """One to four random edits of `line`."""
    for _ in range(rnd.randint(1, 4)):
        pos = rnd.randint(0, len(line))
        op = rnd.randrange(8)
        if op == 0:
            line = line[:pos] + rnd.choice(SHELL_CHARS) + line[pos:]
        elif op == 1:
            line = line[:pos] + rnd.choice(ODD_CHARS) + line[pos:]
        elif op == 2 and line:
            end = min(len(line), pos + rnd.randint(1, 8))
            line = line[:pos] + line[end:]
        elif op == 3:
            other = rnd.choice(seeds)
            a = rnd.randint(0, len(other))
            line = line[:pos] + other[a:a + rnd.randint(1, 40)] + line[pos:]
        elif op == 4:
            line = line[:pos]
        elif op == 5 and line:
            a = rnd.randrange(len(line))
            chunk = line[a:a + rnd.randint(1, 20)]
            line = line[:pos] + chunk * rnd.randint(2, 6) + line[pos:]
        elif op == 6:
            name, ctx = rnd.choice(CONTEXTS)
            line = ctx(Piece(line, simple=True), rnd.choice(BENIGN)).text
        else:
            code = rnd.randrange(0x20, 0x3000) if rnd.random() < 0.9 else rnd.randrange(0x10000, 0x110000)
            line = line[:pos] + chr(code) + line[pos:]
    return line


# --- oracles ----------------------------------------------------------------

# tree-sitter-bash 0.25 can crash the process (SIGSEGV) on `{` directly
# followed by a 4-byte UTF-8 character (tree-sitter/tree-sitter-bash#337);
# `\udcf0`-`\udcf7` are such lead bytes after surrogateescape. shellparse
# parses around it; lines like that are still judged in a child process, so
# that a regression is a finding instead of the end of the run.
CRASH_PRONE = re.compile("\\{[\U00010000-\U0010ffff\udcf0-\udcf7]")
HIDDEN_CRASH = "analyser crashed (shell.internal-error)"
HUNG = "still judging after"
CHILD_MEMORY = 4 << 30  # bytes of address space a child may use
CHILD_TRIES = 4  # the crash depends on memory layout: it happens about every other time


class Hang(BaseException):
    """Raised by the alarm: a BaseException, so analyse's safety net
    (`except Exception`) does not swallow it."""


def examine(line: str, ruleset, limit: float = HANG_SECONDS,
            isolate: bool = False) -> tuple[str | None, str | None]:
    """-> (decision, None) when guardsh judged `line` properly, else
    (decision or None, what went wrong). A judgement is stopped after
    `limit` seconds: a runaway one can otherwise eat all memory. `isolate`
    judges in a child process with capped memory."""
    if isolate or CRASH_PRONE.search(line):
        return _examine_in_child(line, limit)
    return _examine_here(line, ruleset, limit)


def _examine_here(line: str, ruleset, limit: float) -> tuple[str | None, str | None]:
    def stop(signum, frame):
        raise Hang

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        read_line(line, ruleset.programs, cwd=PROJECT, home=HOME)
        verdict = judge(line, ruleset, cwd=PROJECT, home=HOME)
        json.dumps(verdict.as_json())
        describe(line, verdict)
    except Hang:
        return None, f"{HUNG} {limit:.0f} s"
    except Exception as e:  # noqa: BLE001 - any exception is the finding
        return None, f"raised {type(e).__name__}: {e}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if verdict.decision not in DECISIONS:
        return verdict.decision, f"decision {verdict.decision!r}"
    hidden = [e.detail for c in verdict.commands for e in c.effects if e.kind == "shell.internal-error"]
    if hidden:
        return verdict.decision, f"{HIDDEN_CRASH}: {hidden[0]}"
    return verdict.decision, None


def limit_memory(cap: int = CHILD_MEMORY) -> None:
    """Cap this process's address space (never above the hard limit it has):
    a runaway judgement then fails with MemoryError, not the machine."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))


def _examine_in_child(line: str, limit: float) -> tuple[str | None, str | None]:
    for _ in range(CHILD_TRIES):
        child = subprocess.run([sys.executable, os.path.abspath(__file__), "--examine-stdin", str(limit)],
                               input=line.encode("utf-8", "surrogateescape"), capture_output=True,
                               timeout=limit + 30, preexec_fn=limit_memory)
        if child.returncode < 0:
            return None, f"killed by signal {-child.returncode} ({signal.Signals(-child.returncode).name})"
        if child.returncode != 0:
            return None, f"child failed: {child.stderr.decode(errors='replace')[-300:]}"
        decision, problem = json.loads(child.stdout)
        if problem:
            return decision, problem
    return decision, problem


def _shrink_text(line: str, still_fails: Callable[[str], bool], seconds: float) -> str:
    """Delta debugging: drop chunks, then single characters, while it fails
    (for at most `seconds`: a crash-prone line costs a process per try)."""
    deadline = time.monotonic() + seconds
    chunk = max(1, len(line) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        i, shrunk = 0, False
        while i < len(line) and time.monotonic() < deadline:
            candidate = line[:i] + line[i + chunk:]
            if candidate != line and still_fails(candidate):
                line, shrunk = candidate, True
            else:
                i += chunk
        if not shrunk:
            chunk //= 2
    return line


@dataclass
class FuzzFailure:
    oracle: str  # "no-crash" | "no-fail-open"
    line: str
    problem: str

    def __str__(self) -> str:
        return f"[{self.oracle}] {self.problem}\n    line: {self.line!r}"


@dataclass
class FuzzStats:
    lines: int = 0
    wrapped: int = 0
    slowest: float = 0.0
    slowest_line: str = ""
    failures: list[FuzzFailure] = field(default_factory=list)


STDIN_DEPENDENT_RULES = {"guard.unguarded-shell", "guard.interactive-program"}


def blocked_seeds(ruleset, extra: Sequence[str] = ()) -> list[str]:
    """Lines the rules block on their own: the fail-open oracle's starting points."""
    # A shell or interpreter waiting for commands from outside the line (a
    # terminal an agent types into later) is harmless once a pipe feeds it
    # known text, so those examples cannot seed "pipe reader".
    candidates = list(DESTRUCTIVE) + [x for r in ruleset.rules if r.id not in STDIN_DEPENDENT_RULES
                                      for x in r.examples_match] + list(extra)
    # A heredoc's terminator must stay alone on its line, which contexts that
    # append `; }` would break: multi-line lines are only mutated.
    return [c for c in dict.fromkeys(candidates)
            if "\n" not in c and judge(c, ruleset, cwd=PROJECT, home=HOME).decision != "allow"]


def all_seeds(ruleset, extra: Sequence[str] = ()) -> list[str]:
    return list(dict.fromkeys([*DESTRUCTIVE, *BENIGN, *extra,
                               *(x for r in ruleset.rules for x in (*r.examples_match, *r.examples_allow))]))


def fuzz(ruleset, seconds: float, seed: int | None = None, corpus: Sequence[tuple[str, str]] = (),
         max_failures: int = 20, shrink_seconds: float = 60, line_seconds: float = HANG_SECONDS,
         progress: Callable[[str], None] | None = None) -> FuzzStats:
    """Fuzz for `seconds`; failures are shrunk and collected (distinct problems
    only). A line still being judged after `line_seconds` is a hang."""
    rnd = random.Random(seed)
    blocks = blocked_seeds(ruleset, [c for label, c in corpus if label == "block"])
    seeds = all_seeds(ruleset, [c for _, c in corpus])
    stats = FuzzStats()
    seen_problems: set[str] = set()
    deadline = time.monotonic() + seconds
    next_report = time.monotonic() + 30
    while time.monotonic() < deadline and len(stats.failures) < max_failures:
        wrapped = rnd.random() < 0.5
        if wrapped:
            core = rnd.choice(blocks)
            wrappers = [rnd.choice(RUNNERS) for _ in range(rnd.randint(0, 2))]
            wrappers += [rnd.choice(SHELL_PREFIXES)] if rnd.random() < 0.3 else []
            wrappers = wrappers if is_simple(core) else []
            layers = [(rnd.choice(CONTEXTS)[0], rnd.choice(BENIGN)) for _ in range(rnd.randint(1, 4))]
            line = build_wrapped(core, wrappers, layers)
            stats.wrapped += 1
        else:
            line = mutate(rnd.choice(seeds), seeds, rnd)
        started = time.monotonic()
        decision, problem = examine(line, ruleset, line_seconds)
        _note_time(stats, line, time.monotonic() - started)
        if problem and _kind(problem) not in seen_problems:
            seen_problems.add(_kind(problem))
            def same_problem(candidate: str) -> bool:
                return _kind(examine(candidate, ruleset, line_seconds)[1] or "") == _kind(problem)

            small = _shrink_text(line, same_problem, shrink_seconds)
            stats.failures.append(FuzzFailure("no-crash", small, examine(small, ruleset, line_seconds)[1] or problem))
        elif wrapped and decision == "allow":
            core, wrappers, layers = _shrink_layers(core, wrappers, layers, ruleset)
            key = f"{wrappers} | {[n for n, _ in layers]}"  # the cause, whatever the command
            if key not in seen_problems:
                seen_problems.add(key)
                where = " > ".join([*(n for n, _ in reversed(layers)), *reversed(wrappers)])
                stats.failures.append(FuzzFailure(
                    "no-fail-open", build_wrapped(core, wrappers, layers),
                    f"blocked {core!r} is allowed inside: {where}"))
        stats.lines += 1
        if progress and time.monotonic() > next_report:
            next_report = time.monotonic() + 30
            progress(f"{stats.lines} lines, {len(stats.failures)} failures, slowest {stats.slowest:.2f} s")
    return stats


def _kind(problem: str) -> str:
    """A failure's identity for de-duplication: its exception type or class."""
    parts = problem.split(":")
    return ":".join(parts[:2] if problem.startswith(HIDDEN_CRASH) else parts[:1])


def _note_time(stats: FuzzStats, line: str, elapsed: float) -> None:
    if elapsed > stats.slowest:
        stats.slowest, stats.slowest_line = elapsed, line


def _shrink_layers(core, wrappers, layers, ruleset):
    """Drop wrappers and context layers while the line stays allowed, then
    make the core and every benign command the simplest that still is."""
    def allowed(c, w, ls):
        return judge(build_wrapped(c, w, ls), ruleset, cwd=PROJECT, home=HOME).decision == "allow"

    changed = True
    while changed:
        changed = False
        for i in range(len(layers)):
            if allowed(core, wrappers, layers[:i] + layers[i + 1:]):
                layers, changed = layers[:i] + layers[i + 1:], True
                break
        for i in range(len(wrappers)):
            if allowed(core, wrappers[:i] + wrappers[i + 1:], layers):
                wrappers, changed = wrappers[:i] + wrappers[i + 1:], True
                break
    core = next((c for c in DESTRUCTIVE if allowed(c, wrappers, layers)), core)
    for i, (name, benign) in enumerate(layers):
        simpler = layers[:i] + [(name, BENIGN[0])] + layers[i + 1:]
        if allowed(core, wrappers, simpler):
            layers = simpler
    return core, wrappers, layers


def read_corpus(path: str) -> list[tuple[str, str]]:
    """(label, command) from a labelled TSV corpus (label<TAB>category<TAB>command)."""
    rows = []
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            if raw.startswith("#") or not raw.strip():
                continue
            parts = raw.rstrip("\n").split("\t", 2)
            if len(parts) == 3:
                rows.append((parts[0], parts[2]))
    return rows


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--examine-stdin"]:  # the child of _examine_in_child
        from guardsh.policy.load import load_ruleset

        line = sys.stdin.buffer.read().decode("utf-8", "surrogateescape")
        print(json.dumps(_examine_here(line, load_ruleset(user_file=""), float(sys.argv[2]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=None, help="for a reproducible run")
    parser.add_argument("--corpus", help="a labelled TSV corpus to add to the seeds")
    parser.add_argument("--max-failures", type=int, default=50, help="stop after this many distinct failures")
    parser.add_argument("--line-seconds", type=float, default=HANG_SECONDS, help="a judgement slower is a hang")
    parser.add_argument("--shrink-seconds", type=float, default=60, help="time to shrink each failure")
    args = parser.parse_args(argv)
    from guardsh.policy.load import load_ruleset

    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    corpus = read_corpus(args.corpus) if args.corpus else []
    print(f"fuzzing for {args.minutes} min, seed {seed}", flush=True)
    stats = fuzz(load_ruleset(user_file=""), args.minutes * 60, seed=seed, corpus=corpus,
                 max_failures=args.max_failures, shrink_seconds=args.shrink_seconds,
                 line_seconds=args.line_seconds, progress=lambda s: print(s, flush=True))
    print(f"{stats.lines} lines ({stats.wrapped} wrapped blocks), slowest {stats.slowest:.2f} s: "
          f"{stats.slowest_line[:120]!r}")
    for f in stats.failures:
        print(f)
    return 1 if stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
