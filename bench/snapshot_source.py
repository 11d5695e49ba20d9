#!/usr/bin/env python3
"""What Claude Code's per-command wrapper costs guardsh when the snapshot is big.

Claude Code runs every command as
    source SNAPSHOT 2>/dev/null || true && ... && eval 'CMD' < /dev/null && pwd -P >| /tmp/claude-XXXX-cwd
where SNAPSHOT holds the user's functions (one `eval %q` line each, as Claude
Code writes them), shell options, aliases and its own find/grep/rg shims. This
builds a 3,000-line one with bash itself (functions defined in bash, written
with `printf 'eval %q'`), then judges, in process, each command bare and inside
the wrapper: cold (first judgement: the snapshot is read and cached under the
cache dir) and warm (median of --rounds; the cache keyed by the file's
identity and the rules' identity). Target: what the cached snapshot adds to
the wrapper (warm - the same wrapper sourcing an empty file) <= 2 ms.

    bench/snapshot_source.py [--lines 3000] [--rounds 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "tests" / "fixtures" / "agent-shapes"
COMMANDS = ["git status", "ls -la && cat README.md", "grep -rn TODO src", "find . -name '*.py'"]


def function_source(i: int, lines: int) -> str:
    body = [f'  local arg_{j}="${{{j % 9 + 1}:-default}}"' if j % 3 else f'  [ -n "$arg_{j - 1}" ] && printf "%s\\n" "$arg_{j - 1}"'
            for j in range(1, lines - 2)]
    return f"__tool_helper_{i}() {{\n" + "\n".join(body) + "\n}\n"


def build_snapshot(path: Path, total_lines: int) -> int:
    """A snapshot as the agents write one; returns its line count. 60 functions as
    Claude Code writes them (one `eval %q` line each), then plain `declare -f`
    text (as Codex's snapshot holds them) up to `total_lines`."""
    per_function = 20
    evaluated = "".join(function_source(i, per_function) for i in range(60))
    plain = "".join(function_source(1000 + i, per_function) for i in range(max(0, total_lines - 120) // (per_function + 1)))
    script = (evaluated + "shopt -p\ndeclare -F | while read -r _ _ f; do printf 'eval %q > /dev/null 2>&1\\n' "
              "\"$(declare -f \"$f\")\"; done\nset -o | awk '$2 == \"on\" {print \"set -o \" $1}'\n"
              "for i in $(seq 40); do echo \"alias -- a$i='ls -la --color=auto'\"; done\n"
              + plain + "declare -f " + " ".join(f"__tool_helper_{1000 + i}" for i in range(max(0, total_lines - 120) // (per_function + 1))) + "\n")
    text = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout
    shims = (SHAPES / "claude-snapshot-file-debian-bashrc.sh").read_text()
    shims = shims[shims.index("# Check for rg availability"):]
    path.write_text("# Snapshot file\nunalias -a 2>/dev/null || true\n" + text + shims)
    return path.read_text().count("\n")


def wrapper(snapshot: Path, command: str, bound: bool) -> str:
    quoted = command.replace("'", "'\\''")
    head = (f"source {snapshot} 2>/dev/null || true && \\builtin shopt -u extglob 2>/dev/null || true && "
            "{ \\builtin unalias -- 'which'; \\builtin unset -f -- 'which'; } >/dev/null 2>&1 || true && ")
    if bound:  # the same line with each redirection inside braces: no list-level redirection at all
        return head + f"{{ eval '{quoted}' < /dev/null; }} && {{ pwd -P >| /tmp/claude-b3c4-cwd; }}"
    return head + f"eval '{quoted}' < /dev/null && pwd -P >| /tmp/claude-b3c4-cwd"


def timed(judge, text, ruleset, cwd) -> float:
    start = time.perf_counter()
    judge(text, ruleset, cwd=cwd, home=cwd, budget=60)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=30)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
        sys.path.insert(0, str(ROOT))
        from guardsh.engine import judge
        from guardsh.policy.load import load_ruleset

        ruleset = load_ruleset(user_file="")
        snapshot = Path(tmp) / "snapshot-bash-1-abcdef.sh"
        lines = build_snapshot(snapshot, a.lines)
        (Path(tmp) / "empty-snapshot.sh").write_text("")
        print(f"snapshot: {lines} lines, {snapshot.stat().st_size // 1024} KB")
        ok = True
        for bound in (True, False):
            label = "each redirection in braces on its own command" if bound else "Claude Code's line exactly"
            print(f"\n{label}:")
            print(f"  {'command':28} {'bare':>8} {'wrapper':>9} {'cold':>9} {'warm':>8} {'snapshot':>9}")
            for command in COMMANDS:
                line = wrapper(snapshot, command, bound)
                os.utime(snapshot)  # a new identity: the first judgement below is cold
                cold = timed(judge, line, ruleset, tmp)
                timed(judge, line, ruleset, tmp)  # the engine marks the cached commands clean
                bare = statistics.median(timed(judge, command, ruleset, tmp) for _ in range(a.rounds))
                empty = wrapper(Path(tmp) / "empty-snapshot.sh", command, bound)
                boiler = statistics.median(timed(judge, empty, ruleset, tmp) for _ in range(a.rounds))
                warm = statistics.median(timed(judge, line, ruleset, tmp) for _ in range(a.rounds))
                snapshot_cost = warm - boiler
                verdict = "PASS" if snapshot_cost <= 2.0 else "over"
                ok &= snapshot_cost <= 2.0 or command.split()[0] in ("grep", "find")
                print(f"  {command:28} {bare:7.2f}ms {boiler:8.2f}ms {cold:8.1f}ms {warm:7.2f}ms {snapshot_cost:8.2f}ms {verdict}")
        print("\nbare: the command alone; wrapper: the wrapper around it with an empty snapshot file;"
              "\ncold: first judgement with the snapshot (read and cached); warm: median after;"
              "\nsnapshot = warm - wrapper: what sourcing the snapshot adds once cached."
              "\ngrep and find go through the snapshot's shim functions (exec -a ugrep|bfs ...), whose bodies are"
              "\njudged at each call: that is the command's own judgement, not the sourcing's, and not in the target."
              "\ntarget: snapshot <= 2 ms for the other commands:", "PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
