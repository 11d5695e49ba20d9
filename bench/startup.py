#!/usr/bin/env python3
"""Start-up benchmark for guardsh: what an agent pays per command.

Every candidate (bash -c CMD, guardsh -c CMD, bare Python, guardsh check ...)
runs once per round, in a freshly shuffled order each round, so that machine
noise lands on all of them alike. Wall time is measured around posix_spawn +
wait of one child. Peak memory is measured in a separate pass through
/usr/bin/time: a child's ru_maxrss also counts the memory of the process that
forked it (with vfork, all of it), so it must be forked by a small one. It
survives guardsh's exec of bash, so it covers the Python phase.

Target: guardsh's added cost, median(guardsh -c CMD) - median(bash -c CMD),
is at most TARGET_RATIO times the median start-up of a bare `python -I -c pass`.

Runs in a scratch git repository with XDG_STATE_HOME, XDG_CONFIG_HOME and
XDG_CACHE_HOME in a temporary directory: the audit log and any cache are written
there (as in real use, warm after the first run), your own rules.toml is not
read, and your own files are left alone.

Python bytecode is cached in the scratch directory (PYTHONPYCACHEPREFIX), as
an installed guardsh has it; --bytecode-as-is measures the caller's setting
instead (PYTHONDONTWRITEBYTECODE=1 with an editable checkout means guardsh's
own modules are compiled from source on every run). Neither matters when
guardsh's launcher runs Python with -I or -E, which ignore PYTHON* variables:
then the bytecode is whatever the installation holds.

    bench/startup.py [--rounds N] [--quick] [--json] [--guardsh PATH] [--bytecode-as-is]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

DEFAULT_GUARDSH = "/work/main/.venv/bin/guardsh"
DEFAULT_PYTHON = "/work/main/.venv/bin/python"  # guardsh's shebang interpreter
BASH = "/bin/bash"  # the first bash guardsh's find_bash() tries
GNU_TIME = "/usr/bin/time"
CORPUS_DIR = "/work/shared/corpus"
TARGET_RATIO = 2.0
REFUSED, CONFIG_BROKEN = 126, 2


# --- the commands -----------------------------------------------------------

COMMIT_MESSAGE = """\
Fix race between the job scheduler and the lease reaper

The reaper could expire a lease while its job was still being picked up,
so the same job ran twice under load. Leases are now renewed inside the
transaction that claims the job, and the reaper skips leases younger than
one heartbeat interval.

- scheduler: claim and renew in one transaction (no window for the reaper)
- reaper: ignore leases renewed within `heartbeat_interval`
- metrics: count double-claims as `jobs_double_claimed_total`
- tests: a property test that runs 200 claimers against 3 reapers
- docs: explain why "at most once" still needs idempotent handlers

Costs: one more UPDATE per claim; measured +0.4 ms p50 on the claim path.
No change to the public API or to the on-disk format.
Rollback: revert this commit; no schema change, no data migration.

Refs: #4821, #4830
Reviewed-by: A. Reviewer <reviewer@example.com>
Co-authored-by: B. Pair <pair@example.com>
"""


def heredoc_commit_command() -> str:
    """The shape Claude Code uses for commits: a quoted heredoc inside $(...)."""
    lines = COMMIT_MESSAGE.splitlines()
    assert len(lines) == 20, len(lines)
    return "git commit --dry-run -m \"$(cat <<'EOF'\n" + COMMIT_MESSAGE + "EOF\n)\""


def generated_script(n_lines: int = 300) -> str:
    """A long, harmless script of builtins: functions, loops, tests, arithmetic."""
    templates = [
        'log "step {i}: building module_{i}"',
        "count=$((count + {i}))",
        'if [ "$count" -gt {i} ]; then log "over {i}"; else log "under {i}"; fi',
        'for f in a{i} b{i} c{i}; do log "$f"; done',
        'name_{i}="${{HOSTNAME:-host}}-{i}"',
        'case "$name_{j}" in *-{j}) log "matched {j}" ;; *) log "no match" ;; esac',
        'items+=("item-{i}")',
        '[ -f README.md ] && log "readme at {i}" || log "no readme at {i}"',
        'printf -v padded "%05d" {i}',
        "[[ $padded == 0* ]] && log \"padded {i}\"",
    ]
    header = ["set -u", "count=0", "items=()", 'log() { printf \'%s\\n\' "$*" >/dev/null; }']
    footer = ['log "done: ${#items[@]} items, count=$count"']
    body = []
    i = 0
    while len(header) + len(body) + len(footer) < n_lines:
        template = templates[i % len(templates)]
        # the case line reads a name_ variable defined earlier in the same cycle
        j = i - (i % len(templates)) + 4
        body.append(template.format(i=i, j=j))
        i += 1
    script = "\n".join(header + body + footer)
    assert script.count("\n") + 1 == n_lines
    return script


SHELL_COMMANDS = {  # name -> CMD, run as both `bash -c CMD` and `guardsh -c CMD`
    "git status": "git status",
    "ls -la && echo done": "ls -la && echo done",
    "commit heredoc (20 lines)": heredoc_commit_command(),
    "script (300 lines)": generated_script(300),
}

GRAPHQL_URL = "https://api.example.com/graphql"
CHECK_COMMANDS = {  # name -> CMD, run as `guardsh check CMD`; "plain" is the baseline
    "plain": "ls -la",
    "psql (pglast)": "psql -c 'SELECT 1'",
    "mysql (sqlglot)": "mysql -e 'SELECT 1'",
    "graphql query": (f"curl -s {GRAPHQL_URL} -H 'Content-Type: application/json' "
                      """-d '{"query":"query { viewer { login } }"}'"""),
    "graphql mutation": (f"curl -s {GRAPHQL_URL} -H 'Content-Type: application/json' "
                         """-d '{"query":"mutation { addStar(input: {starrableId: \\"R_1\\"}) """
                         """{ clientMutationId } }"}'"""),
}


# --- measuring --------------------------------------------------------------

@dataclass
class Candidate:
    key: str
    argv: list[str]
    stdin_path: str | None = None
    wall: list[float] = field(default_factory=list)  # seconds
    rss_kb: list[int] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)

    def median_ms(self) -> float:
        return 1000 * statistics.median(self.wall)

    def p90_ms(self) -> float:
        return 1000 * percentile(self.wall, 0.9)

    def rss_mb(self) -> float | None:
        return max(self.rss_kb) / 1024 if self.rss_kb else None


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: an actual sample, no interpolation."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def run_once(argv: list[str], env: dict[str, str], stdin_path: str | None) -> tuple[float, int]:
    """Wall seconds and exit code of one child, output discarded."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, stdin_path or os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, os.waitstatus_to_exitcode(status)


def measure(candidates: list[Candidate], rounds: int, warmup: int, env: dict[str, str],
            seed: int) -> None:
    rng = random.Random(seed)
    order = list(candidates)
    for r in range(warmup + rounds):
        rng.shuffle(order)
        for c in order:
            wall, status = run_once(c.argv, env, c.stdin_path)
            if r >= warmup:
                c.wall.append(wall)
                c.statuses.add(status)


def measure_memory(candidates: list[Candidate], runs: int, env: dict[str, str], scratch: str) -> None:
    """Peak RSS of each candidate, as GNU time reports it (KiB)."""
    report = os.path.join(scratch, "time.out")
    for _ in range(runs):
        for c in candidates:
            with open(c.stdin_path or os.devnull, "rb") as stdin:
                subprocess.run([GNU_TIME, "-f", "%M", "-o", report, *c.argv], env=env, stdin=stdin,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(report) as fh:
                c.rss_kb.append(int(fh.read().split()[-1]))


# --- set-up -----------------------------------------------------------------

def make_repo(root: str, env: dict[str, str]) -> str:
    """A small git repository with one commit and one staged change."""
    repo = os.path.join(root, "repo")
    os.makedirs(os.path.join(repo, "src"))
    for i in range(20):
        with open(os.path.join(repo, "src", f"module_{i}.py"), "w") as fh:
            fh.write(f"def f{i}():\n    return {i}\n")
    with open(os.path.join(repo, "README.md"), "w") as fh:
        fh.write("# scratch\n")
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "initial"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    with open(os.path.join(repo, "src", "module_0.py"), "a") as fh:
        fh.write("# changed\n")
    subprocess.run(["git", "add", "src/module_0.py"], cwd=repo, env=env, check=True)
    return repo


def corpus_commands(path: str, column: int) -> list[str]:
    """Commands from a corpus TSV: `#` lines are comments, COLUMN is the command."""
    out = []
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t", column)
            if len(fields) > column:
                out.append(fields[column])
    return out


def spread_sample(items: list[str], n: int) -> list[str]:
    """N items evenly spaced over the list (every page of tldr, not just a-c)."""
    if n >= len(items):
        return items
    step = len(items) / n
    return [items[int(k * step)] for k in range(n)]


def bench_env(root: str, cache_bytecode: bool) -> dict[str, str]:
    """The caller's environment, minus what would make runs unrepeatable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUARDSH_", "PYTHONPROFILE"))}
    if cache_bytecode:
        # As after `pip install` (which compiles .pyc): an editable checkout under
        # PYTHONDONTWRITEBYTECODE=1 would otherwise recompile guardsh on every run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = os.path.join(root, "pycache")
    env["XDG_STATE_HOME"] = os.path.join(root, "state")
    env["XDG_CONFIG_HOME"] = os.path.join(root, "config")
    env["XDG_CACHE_HOME"] = os.path.join(root, "cache")  # guardsh's rules cache: warm after the first run
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    env["GIT_CONFIG_GLOBAL"] = os.devnull
    env.update(GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com")
    return env


def sanity_check(shell: dict[str, tuple[Candidate, Candidate]], checks: dict[str, Candidate],
                 batches: dict[str, tuple[Candidate, int]], env: dict[str, str]) -> tuple[list[str], list[str]]:
    """Problems: a guardsh run that is refused or differs from bash (timing it is
    meaningless). Warnings: batch lines guardsh failed to judge (timed all the same)."""
    problems, warnings = [], []
    for name, (bash_c, guard_c) in shell.items():
        b = subprocess.run(bash_c.argv, env=env, capture_output=True, stdin=subprocess.DEVNULL)
        g = subprocess.run(guard_c.argv, env=env, capture_output=True, stdin=subprocess.DEVNULL)
        if g.returncode in (REFUSED, CONFIG_BROKEN):
            problems.append(f"guardsh refused {name!r} (exit {g.returncode}): "
                            f"{g.stderr.decode(errors='replace').strip()[:300]}")
        elif (b.returncode, b.stdout) != (g.returncode, g.stdout):
            problems.append(f"{name!r}: guardsh and bash differ (exit {g.returncode} vs {b.returncode})")
    for name, c in checks.items():
        r = subprocess.run(c.argv, env=env, capture_output=True, stdin=subprocess.DEVNULL)
        if r.returncode != 0 or r.stdout.decode().strip() != "allow":
            problems.append(f"check {name!r} did not answer allow (exit {r.returncode}): "
                            f"{(r.stdout + r.stderr).decode(errors='replace').strip()[:300]}")
    for name, (c, n_lines) in batches.items():
        with open(c.stdin_path, "rb") as stdin:
            r = subprocess.run(c.argv, env=env, capture_output=True, stdin=stdin)
        answers = r.stdout.decode(errors="replace").splitlines()
        errors = sum('"shell.internal-error"' in a for a in answers)
        if r.returncode != 0 or len(answers) != n_lines:
            problems.append(f"batch {name!r}: exit {r.returncode}, {len(answers)} answers for {n_lines} lines")
        elif errors:
            warnings.append(f"batch {name!r}: {errors} of {n_lines} lines hit shell.internal-error")
    return problems, warnings


# --- report -----------------------------------------------------------------

def build_results(args, python: Candidate, shell, checks, batches, elapsed: float) -> dict:
    py_ms = python.median_ms()
    shell_rows = []
    for name, (bash_c, guard_c) in shell.items():
        added = guard_c.median_ms() - bash_c.median_ms()
        shell_rows.append({
            "command": name,
            "bash_median_ms": bash_c.median_ms(), "bash_p90_ms": bash_c.p90_ms(),
            "guardsh_median_ms": guard_c.median_ms(), "guardsh_p90_ms": guard_c.p90_ms(),
            "added_ms": added, "added_over_python": added / py_ms,
            "pass": added <= TARGET_RATIO * py_ms,
            "guardsh_max_rss_mb": guard_c.rss_mb(), "bash_max_rss_mb": bash_c.rss_mb(),
        })
    plain = checks["plain"].median_ms()
    check_rows = [{
        "command": name, "median_ms": c.median_ms(), "p90_ms": c.p90_ms(),
        "over_plain_ms": c.median_ms() - plain, "max_rss_mb": c.rss_mb(),
    } for name, c in checks.items()]
    batch_rows = []
    for name, (c, n_lines) in batches.items():
        wall = statistics.median(c.wall)
        steady = wall - plain / 1000  # minus one `check` start-up, judged by "plain"
        batch_rows.append({
            "input": name, "lines": n_lines, "runs": len(c.wall), "median_s": wall,
            "lines_per_s": n_lines / wall,
            "lines_per_s_after_startup": n_lines / steady if steady > 0 else None,
            "ms_per_line_after_startup": 1000 * steady / n_lines,
            "max_rss_mb": c.rss_mb(),
        })
    return {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": subprocess.run([args.python, "-c", "import sys; print(sys.version.split()[0])"],
                                             capture_output=True, text=True).stdout.strip()},
        "guardsh": args.guardsh, "revision": guardsh_revision(args.python), "python": args.python, "bash": BASH,
        "rounds": args.rounds, "seed": args.seed, "elapsed_s": elapsed,
        "bytecode": ("as installed (the launcher ignores PYTHON* variables)" if launcher_ignores_python_env(args.guardsh)
                     else "as the environment has it" if args.bytecode_as_is else "cached (as after pip install)"),
        "target": f"added cost <= {TARGET_RATIO:g} x median(python -I -c pass)",
        "python_bare": {"median_ms": py_ms, "p90_ms": python.p90_ms(), "max_rss_mb": python.rss_mb()},
        "shell": shell_rows, "check": check_rows, "batch": batch_rows,
        "statuses": {c.key: sorted(c.statuses) for c in all_candidates(python, shell, checks, batches)},
    }


def launcher_ignores_python_env(guardsh: str) -> bool:
    """True when guardsh's shebang runs Python with -I or -E."""
    try:
        with open(guardsh, "rb") as fh:
            shebang = fh.readline().decode(errors="replace").split()
    except OSError:
        return False
    return any(w.startswith("-") and not w.startswith("--") and ("I" in w or "E" in w) for w in shebang[1:])


def guardsh_revision(python: str) -> str:
    """guardsh's version, and the git commit of its checkout (+dirty) when it is one."""
    found = subprocess.run([python, "-c", "import guardsh, os; print(guardsh.__version__, os.path.dirname(guardsh.__file__))"],
                           capture_output=True, text=True).stdout.split()
    if len(found) != 2:
        return "unknown"
    version, folder = found
    git = subprocess.run(["git", "-C", folder, "describe", "--always", "--dirty"], capture_output=True, text=True)
    return f"{version} ({git.stdout.strip()})" if git.returncode == 0 else version


def all_candidates(python, shell, checks, batches) -> list[Candidate]:
    return ([python] + [c for pair in shell.values() for c in pair] + list(checks.values())
            + [c for c, _ in batches.values()])


def mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_report(res: dict) -> None:
    py = res["python_bare"]
    m = res["machine"]
    print(f"guardsh start-up benchmark: {res['rounds']} interleaved rounds, {m['cpus']} CPUs, "
          f"Python {m['python']}, {res['elapsed_s']:.0f} s")
    print(f"guardsh {res['revision']} at {res['guardsh']}; bytecode {res['bytecode']}")
    print(f"bare Python  (python -I -c pass)  median {py['median_ms']:6.1f} ms  p90 {py['p90_ms']:6.1f} ms  "
          f"max RSS {mb(py['max_rss_mb'])} MB")
    print(f"target: {res['target']} = {TARGET_RATIO * py['median_ms']:.1f} ms\n")

    print("-c path: guardsh -c CMD vs bash -c CMD (ms)")
    head = f"{'command':28} {'bash med':>8} {'p90':>6} {'guardsh med':>11} {'p90':>6} {'added':>6} {'x py':>5} {'RSS MB':>6}  result"
    print(head)
    print("-" * len(head))
    for r in res["shell"]:
        print(f"{r['command']:28} {r['bash_median_ms']:8.1f} {r['bash_p90_ms']:6.1f} {r['guardsh_median_ms']:11.1f} "
              f"{r['guardsh_p90_ms']:6.1f} {r['added_ms']:6.1f} {r['added_over_python']:5.1f} "
              f"{mb(r['guardsh_max_rss_mb']):>6}  {'PASS' if r['pass'] else 'FAIL'}")

    print("\nguardsh check CMD: lazy analyser imports (ms; 'over plain' = cost of the path that needs them)")
    head = f"{'command':28} {'median':>8} {'p90':>6} {'over plain':>10} {'RSS MB':>6}"
    print(head)
    print("-" * len(head))
    for r in res["check"]:
        print(f"{r['command']:28} {r['median_ms']:8.1f} {r['p90_ms']:6.1f} {r['over_plain_ms']:10.1f} {mb(r['max_rss_mb']):>6}")

    print("\nguardsh check --batch --json throughput")
    head = f"{'input':28} {'lines':>6} {'median s':>8} {'lines/s':>8} {'after start-up':>14} {'ms/line':>7} {'RSS MB':>6}"
    print(head)
    print("-" * len(head))
    for r in res["batch"]:
        after = r["lines_per_s_after_startup"]
        print(f"{r['input']:28} {r['lines']:6} {r['median_s']:8.2f} {r['lines_per_s']:8.0f} "
              f"{(f'{after:.0f}' if after else '-'):>14} {r['ms_per_line_after_startup']:7.2f} {mb(r['max_rss_mb']):>6}")

    failed = [r for r in res["shell"] if not r["pass"]]
    worst = max(res["shell"], key=lambda r: r["added_ms"])
    typical = res["shell"][0]
    print("\nsummary")
    print(f"  target met on {len(res['shell']) - len(failed)}/{len(res['shell'])} commands "
          f"({'PASS' if not failed else 'FAIL'}); worst: {worst['command']!r} adds {worst['added_ms']:.1f} ms "
          f"= {worst['added_over_python']:.1f} x bare Python (target {TARGET_RATIO:g} x = "
          f"{TARGET_RATIO * py['median_ms']:.1f} ms)")
    checks = {r["command"]: r for r in res["check"]}
    lazy = ", ".join(f"{name} +{r['over_plain_ms']:.0f} ms" for name, r in checks.items() if name != "plain")
    print(f"  lazy imports, paid only by commands that need them: {lazy}")
    print("  check --batch: " + "; ".join(
        f"{r['input']} {r['lines_per_s']:.0f} lines/s ({r['ms_per_line_after_startup']:.2f} ms/line after start-up)"
        for r in res["batch"]))
    print(f"  peak memory: guardsh -c {typical['command']!r} {mb(typical['guardsh_max_rss_mb'])} MB "
          f"(bash alone {mb(typical['bash_max_rss_mb'])} MB); check --batch "
          + ", ".join(f"{r['input']} {mb(r['max_rss_mb'])} MB" for r in res["batch"]))
    for warning in res["warnings"]:
        print(f"  warning: {warning}")
    odd = {k: v for k, v in res["statuses"].items() if v != [0]}
    if odd:
        print("  exit codes other than 0 (expected where bash also fails): "
              + "; ".join(f"{k}: {v}" for k, v in odd.items()))


# --- main -------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guardsh", default=DEFAULT_GUARDSH, help="guardsh executable (default: %(default)s)")
    parser.add_argument("--python", default=DEFAULT_PYTHON, help="bare-Python baseline (default: %(default)s)")
    parser.add_argument("--rounds", type=int, help="measured rounds (default 30, 8 with --quick)")
    parser.add_argument("--batch-lines", type=int, help="tldr lines for --batch (default 3000, 800 with --quick)")
    parser.add_argument("--batch-runs", type=int, help="runs of each --batch input (default 3, 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a rough answer in ~10 s")
    parser.add_argument("--seed", type=int, default=1, help="seed for the per-round order")
    parser.add_argument("--bytecode-as-is", action="store_true",
                        help="keep the caller's PYTHONDONTWRITEBYTECODE/PYTHONPYCACHEPREFIX instead of "
                             "caching bytecode in the scratch directory (as an installed guardsh has it)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON instead of tables")
    args = parser.parse_args()
    args.rounds = args.rounds or (8 if args.quick else 30)
    batch_lines = args.batch_lines or (800 if args.quick else 3000)
    batch_runs = args.batch_runs or (1 if args.quick else 3)
    for exe in (args.guardsh, args.python, BASH):
        if not os.access(exe, os.X_OK):
            parser.error(f"not executable: {exe}")

    root = tempfile.mkdtemp(prefix="guardsh-bench-")
    old_cwd = os.getcwd()
    try:
        env = bench_env(root, cache_bytecode=not args.bytecode_as_is)
        repo = make_repo(root, env)
        os.chdir(repo)  # posix_spawn has no cwd: the children inherit ours

        python = Candidate("python -I -c pass", [args.python, "-I", "-c", "pass"])
        shell = {name: (Candidate(f"bash -c {name}", [BASH, "-c", cmd]),
                        Candidate(f"guardsh -c {name}", [args.guardsh, "-c", cmd]))
                 for name, cmd in SHELL_COMMANDS.items()}
        checks = {name: Candidate(f"guardsh check {name}", [args.guardsh, "check", cmd])
                  for name, cmd in CHECK_COMMANDS.items()}
        tldr = corpus_commands(os.path.join(CORPUS_DIR, "tldr-commands.tsv"), column=1)
        batch_inputs = {
            f"tldr ({min(batch_lines, len(tldr))} of {len(tldr)})": spread_sample(tldr, batch_lines),
            "dev corpus (all)": corpus_commands(os.path.join(CORPUS_DIR, "dev.tsv"), column=2),
        }
        batches = {}
        for k, (name, lines) in enumerate(batch_inputs.items()):
            path = os.path.join(root, f"batch{k}.txt")
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as fh:
                fh.write("".join(line + "\n" for line in lines))
            batches[name] = (Candidate(f"check --batch {name}", [args.guardsh, "check", "--batch", "--json"],
                                       stdin_path=path), len(lines))

        problems, warnings = sanity_check(shell, checks, batches, env)
        if problems:
            print("guardsh does not behave as the benchmark assumes; numbers would be meaningless:",
                  *problems, sep="\n  ", file=sys.stderr)
            return 1

        started = time.perf_counter()
        per_command = [python] + [c for pair in shell.values() for c in pair] + list(checks.values())
        measure(per_command, args.rounds, warmup=1 if args.quick else 2, env=env, seed=args.seed)
        measure([c for c, _ in batches.values()], batch_runs, warmup=0, env=env, seed=args.seed)
        if os.access(GNU_TIME, os.X_OK):
            measure_memory(per_command, 2, env, root)
            measure_memory([c for c, _ in batches.values()], 1, env, root)
        elapsed = time.perf_counter() - started
    finally:
        os.chdir(old_cwd)
        shutil.rmtree(root, ignore_errors=True)

    results = build_results(args, python, shell, checks, batches, elapsed)
    results["warnings"] = warnings
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
