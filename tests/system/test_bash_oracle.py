"""bash is the oracle: guardsh's reading of a line against what real bash
does with it (tests/system/bash_oracle.py runs bash in a sandbox where every
program is a recording stub).

For each line, every program bash starts must be one guardsh names, with
the same argv, in the same directory, with the same files on fds 0-2; and
guardsh's reading of bash's own canonical re-print of the line must be its
reading of the line. Lines where guardsh says it cannot know what runs (a
command name read at run time, eval of a built string, a parse error) are
not compared, but guardsh must not allow them. A disagreement is fixed in the
reader, or listed in KNOWN with the reason it is unknowable before run time
(and then guardsh must not allow the line either).
"""

from __future__ import annotations

import collections
import json
import os
import random
import re
import shlex
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bash_oracle as oracle  # noqa: E402
from helpers import ROOT, run_guardsh  # noqa: E402

# The shared corpus lives beside the repository (../shared/corpus).
TLDR = next((p / "shared/corpus/tldr-commands.tsv" for p in ROOT.parents
             if (p / "shared/corpus/tldr-commands.tsv").exists()), Path("/nonexistent"))
BYPASS = ROOT / "tests" / "corpus" / "bypass.tsv"
SAMPLE = 2000
WORKERS = 2  # sandboxes at once: the machine has two cores, shared

# (kind, pattern over the line, why it cannot be known before the line runs).
# A disagreement of that kind on a matching line is expected; guardsh must
# still not allow the line.
KNOWN: list[tuple[str, str, str]] = [
]

# (kind, pattern over the line, why): differences made by the oracle itself
# (the stub world, bash's re-print), not by guardsh's reading; guardsh's
# verdict is not asserted there.
STUB_WORLD: list[tuple[str, str, str]] = [
    ("reprint", r"\bcoproc\b", "bash re-prints `coproc CMD` as `coproc COPROC CMD`, which bash itself "
                               "reads back as another command: that re-print is not faithful"),
    ("missed", r"\bexec\b(\s+-[acl]+)*(\s+-a\s+\S+)?\s+(command|builtin|eval|exec|time)\b",
     "exec runs the *program* named like a builtin (macOS and Fedora ship /usr/bin/command, which runs "
     "the builtin); guardsh judges what that program runs, the stub runs nothing"),
]

_unavailable = oracle.sandbox_available()
pytestmark = pytest.mark.skipif(_unavailable is not None, reason=f"no sandbox: {_unavailable}")


class Oracle:
    def __init__(self, stub: Path):
        self.sandboxes = [oracle.Sandbox(stub) for _ in range(WORKERS)]
        self.free = list(self.sandboxes)
        self.lock = threading.Lock()
        self.builtins = oracle.bash_builtins()

    def close(self):
        for s in self.sandboxes:
            s.close()

    def _one(self, index: int, line: str):
        cwd = f"/w/{index}"
        reading = oracle.guardsh_reading(line, cwd)
        programs = oracle.processes(reading, self.builtins)
        if reading.unknown or any(oracle.DYN in s.argv[0] for s in programs):
            return line, "unknown", reading.unknown or ["shell.dynamic-command"]
        with self.lock:
            sandbox = self.free.pop()
        try:
            result = sandbox.run(oracle.job_for(line, reading, cwd))
        finally:
            with self.lock:
                self.free.append(sandbox)
        found = oracle.compare(line, reading, result, self.builtins)
        body = oracle.declared_body(result["declared"])
        if body is not None and body != line:
            again = oracle.guardsh_reading(body, cwd)
            # Both read by the same reader: tree-sitter and bashlex differ in ways bash does not
            # see (bashlex judges a function's body where it is defined, not where it is called).
            if (not again.unknown and again.fallback == reading.fallback
                    and oracle.structure(again) != oracle.structure(reading)):
                found.append(oracle.Disagreement(
                    "reprint", line, f"bash re-prints it as {body!r}; guardsh reads that as "
                                     f"{again.seen}, the line as {reading.seen}"))
        return line, "compared", found

    def check(self, lines: list[str]) -> "Report":
        report = Report()
        start = time.monotonic()
        with ThreadPoolExecutor(WORKERS) as pool:
            for line, status, detail in pool.map(lambda a: self._one(*a), enumerate(lines)):
                if status == "unknown":
                    report.unknown[line] = detail
                else:
                    report.compared += 1
                    for d in detail:
                        report.add(d)
        report.seconds = time.monotonic() - start
        return report


class Report:
    def __init__(self):
        self.compared = 0
        self.unknown: dict[str, list[str]] = {}
        self.disagreements: list[oracle.Disagreement] = []
        self.known: list[tuple[oracle.Disagreement, str]] = []
        self.stub_world: list[tuple[oracle.Disagreement, str]] = []
        self.timeouts: set[str] = set()
        self.seconds = 0.0

    def add(self, d: oracle.Disagreement):
        if d.kind == "timeout":  # counted; its records were compared all the same
            self.timeouts.add(d.line)
            return
        for kind, pattern, why in KNOWN:
            if kind == d.kind and re.search(pattern, d.line):
                self.known.append((d, why))
                return
        for kind, pattern, why in STUB_WORLD:
            if kind == d.kind and re.search(pattern, d.line):
                self.stub_world.append((d, why))
                return
        self.disagreements.append(d)

    def summary(self) -> str:
        kinds = collections.Counter(d.kind for d in self.disagreements)
        known = collections.Counter(why[:40] for _, why in self.known + self.stub_world)
        unknown = collections.Counter(kind for kinds in self.unknown.values() for kind in kinds)
        shown = "\n".join(map(repr, self.disagreements[:40]))
        return (f"{self.compared} lines compared ({len(self.timeouts)} stopped at the time limit), "
                f"{len(self.unknown)} unknown to guardsh {dict(unknown)}, "
                f"{self.seconds:.0f} s; disagreements {dict(kinds)}; known {dict(known)}\n{shown}")


@pytest.fixture(scope="session")
def bash():
    # Not under pytest's tmp: that is private to root, and the sandbox is nobody.
    directory = Path(tempfile.mkdtemp(prefix="guardsh-oracle-stub-"))
    directory.chmod(0o755)
    o = Oracle(oracle.build_stub(directory))
    yield o
    o.close()
    shutil.rmtree(directory, ignore_errors=True)


def assert_not_allowed(lines, home) -> None:
    """guardsh must not allow a line whose commands it cannot know."""
    single = [line for line in lines if "\n" not in line]
    decisions = {}
    if single:
        result = run_guardsh(["check", "--batch", "--json"], home, input="\n".join(single).encode() + b"\n",
                             timeout=600)
        for line, answer in zip(single, result.stdout.splitlines()):
            decisions[line] = json.loads(answer)["decision"]
    for line in lines:
        if "\n" in line:
            decisions[line] = json.loads(run_guardsh(["check", "--json", line], home).stdout)["decision"]
    allowed = [line for line in lines if decisions.get(line) == "allow"]
    assert not allowed, f"{len(allowed)} lines guardsh cannot read are allowed: {allowed[:20]}"


def judge_report(report: Report, home) -> None:
    print(report.summary())
    assert_not_allowed(list(report.unknown) + sorted({d.line for d, _ in report.known}), home)
    assert not report.disagreements, report.summary()


def tldr_lines() -> list[str]:
    if not TLDR.exists():
        pytest.skip("the shared tldr corpus is not here")
    lines = []
    for raw in TLDR.read_text().splitlines():
        if raw.startswith("#") or "\t" not in raw:
            continue
        lines.append(raw.split("\t", 1)[1])
    return lines


def test_tldr_sample_agrees_with_bash(bash, isolated_home):
    lines = tldr_lines()
    sample = random.Random(12).sample(lines, min(SAMPLE, len(lines)))
    judge_report(bash.check(sample), isolated_home)


@pytest.mark.slow
def test_every_tldr_line_agrees_with_bash(bash, isolated_home, request):
    if "slow" not in (request.config.getoption("-m") or ""):
        pytest.skip("the whole tldr file takes minutes: run with -m slow")
    judge_report(bash.check(tldr_lines()), isolated_home)


def test_bypass_table_agrees_with_bash(bash, isolated_home):
    lines = []
    for raw in BYPASS.read_text().splitlines():
        if raw.startswith("#") or raw.count("\t") < 1:
            continue
        lines.append(raw.split("\t")[1].replace("\u23ce", "\n"))
    judge_report(bash.check(lines), isolated_home)


# --------------------------------------------------------------------------- generated lines

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

PROGRAMS = ["alpha", "beta", "gamma", "delta"]  # stubs; never builtins
WORDS = st.sampled_from(["a", "b-c", "x.txt", "'p q'", '"r s"', '"$v"', "$v", "$(alpha a)", "~/h", "d1/*"])
TARGETS = st.sampled_from(["o1", "o2", "d1/o3", "/tmp/o4", "/dev/null", "~/o5"])
REDIRECT = st.one_of(
    st.builds("{}{}".format, st.sampled_from([">", ">>", ">|", "2>", "&>", "<", "2>>", "1>"]), TARGETS),
    st.sampled_from(["2>&1", ">&2", "<<<hi", "2>/dev/null"]),
)


@st.composite
def simple(draw):
    parts = [draw(st.sampled_from(PROGRAMS))] + draw(st.lists(WORDS, max_size=3))
    for r in draw(st.lists(REDIRECT, max_size=2)):
        parts.insert(draw(st.integers(0, len(parts))), r)  # bash takes a redirect anywhere in a command
    if draw(st.booleans()) and parts[0] in PROGRAMS:
        parts.insert(0, "E=1")
    return " ".join(parts)


SHELL_STEP = st.sampled_from(["cd d1", "cd ..", "cd /tmp", "cd d1/d2", "v=a", "v='p q'", "export v=b", "true", "false"])


def compound(inner):
    redirected = st.builds("{} {}".format, inner, REDIRECT)
    return st.one_of(
        st.builds("{} | {}".format, inner, inner),
        st.builds("{} |& {}".format, inner, inner),
        st.builds(lambda x: "eval " + shlex.quote(x), inner),
        st.builds("{} && {}".format, inner, inner),
        st.builds("{} || {}".format, inner, inner),
        st.builds("{}; {}".format, inner, inner),
        st.builds("{} & {}".format, inner, inner),  # a background subshell
        st.builds("{{ {}; }}".format, inner),
        st.builds("( {} )".format, inner),
        st.builds("fn() {{ {}; }}; fn".format, inner),
        st.builds("echo $( {} )".format, inner),
        redirected,
    )


LINES = st.recursive(st.one_of(simple(), SHELL_STEP), compound, max_leaves=6)


# GUARDSH_ORACLE_EXAMPLES=5000 explores further, with a fresh random seed.
EXPLORE = int(os.environ.get("GUARDSH_ORACLE_EXAMPLES", "0"))


@settings(max_examples=EXPLORE or 300, deadline=None, derandomize=not EXPLORE,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(line=LINES)
def test_generated_lines_agree_with_bash(bash, line, isolated_home):
    _, status, found = bash._one(0, line)
    if status == "unknown":
        assert_not_allowed([line], isolated_home)
        return
    report = Report()
    for d in found:
        report.add(d)
    assert not report.disagreements, report.summary()
