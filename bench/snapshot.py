#!/usr/bin/env python3
"""Snapshot benchmark: time to keep a 10,000-file, 200 MB project directory
before `rm -rf` (hard links: the store is on the same filesystem) and before an
in-place overwrite (copies; reflinks where the filesystem has them), and the
time to restore it.

Target (issue 13): the hard-link snapshot takes under a second.

Runs in a temporary directory (XDG_DATA_HOME pointed into it), so your own
snapshots are left alone.

    bench/snapshot.py [--files N] [--megabytes M] [--rounds R] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

TARGET_SECONDS = 1.0


def make_project(root: str, files: int, total_bytes: int) -> None:
    """files spread over 100 directories of 10 subdirectories, equal sizes, random content."""
    size = total_bytes // files
    block = os.urandom(size)
    for n in range(files):
        d = os.path.join(root, f"pkg{n % 100:02}", f"mod{n % 10}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"file{n:05}.py"), "wb") as f:
            f.write(block[n % 251:] + block[:n % 251])  # distinct content, same size


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="guardsh-bench-snapshot-")
    os.environ["XDG_DATA_HOME"] = os.path.join(scratch, "data")
    from guardsh.outcome.snapshot import PathsTarget, Settings, Store, plan, restore, take

    settings = Settings(max_bytes=4 << 30, total_bytes=64 << 30, max_files=1_000_000, timeout_seconds=600)
    project = os.path.join(scratch, "project")
    results: dict[str, list[float]] = {"plan": [], "hard links": [], "copy": [], "restore": []}
    try:
        make_project(project, args.files, args.megabytes << 20)
        os.sync()
        for _ in range(args.rounds):
            for mode, label in (("unlink", "hard links"), ("overwrite", "copy")):
                target = PathsTarget((project,), mode)
                planned = None

                def do_plan():
                    nonlocal planned
                    planned = plan([target], settings)

                results["plan"].append(timed(do_plan))
                assert planned, planned
                snap = None

                def do_take():
                    nonlocal snap
                    snap = take(planned, "rm -rf project", scratch, settings, housekeeping=False)

                results[label].append(timed(do_take))
                how = snap.manifest.parts[0]["how"]
                if mode == "unlink":
                    assert how["link"] == args.files, how
                    results["restore"].append(timed(lambda: restore(snap.id, settings, keep_current=False)))
                for manifest in Store().manifests():
                    shutil.rmtree(Store().path(manifest.id))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    medians = {k: statistics.median(v) for k, v in results.items() if v}
    if args.json:
        print(json.dumps({"files": args.files, "megabytes": args.megabytes, "median_seconds": medians,
                          "target_seconds": TARGET_SECONDS, "rounds": args.rounds}))
    else:
        print(f"{args.files} files, {args.megabytes} MB, median of {args.rounds} round(s):")
        for k, v in medians.items():
            print(f"  {k:<11} {v:7.3f} s   (all: {', '.join(f'{x:.3f}' for x in results[k])})")
        verdict = "OK" if medians["hard links"] < TARGET_SECONDS else "OVER TARGET"
        print(f"hard-link snapshot target < {TARGET_SECONDS:g} s: {verdict}")
    return 0 if medians["hard links"] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
