"""`guardsh undo`: list, restore and prune snapshots. No click and no terminal
needed: an agent can run it, and it is wired into the subcommand table later.

    guardsh undo [--list] [--json]     the snapshots, newest first
    guardsh undo ID [--force]          restore one (ID, or a unique part of it)
    guardsh undo --prune               delete expired snapshots now"""

from __future__ import annotations

import argparse
import json
import sys
import time

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="guardsh undo", description="Restore what guardsh kept before a command.")
    parser.add_argument("id", nargs="?", help="the snapshot to restore (its id, or a unique part of it)")
    parser.add_argument("--list", action="store_true", help="show the snapshots (the default without ID)")
    parser.add_argument("--json", action="store_true", help="with --list: one JSON array")
    parser.add_argument("--prune", action="store_true", help="delete snapshots past retention and total size")
    parser.add_argument("--force", action="store_true",
                        help="restore even when what it overwrites cannot be kept first")
    return parser


def main(argv: list[str], stdout=None, stderr=None, settings=None, store=None, audit=None) -> int:
    """argv: the words after `undo`. audit(record: dict) is called for each snapshot/restore made."""
    from . import SnapshotError, list_snapshots, prune, restore

    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return EXIT_OK if e.code == 0 else EXIT_USAGE
    if sum(bool(x) for x in (args.id, args.prune, args.list)) > 1:
        err.write("guardsh undo: give one of ID, --list or --prune\n")
        return EXIT_USAGE
    if args.prune:
        removed = prune(settings, store)
        out.write(f"removed {len(removed)} snapshot(s){': ' + ', '.join(removed) if removed else ''}\n")
        return EXIT_OK
    if args.id:
        try:
            result = restore(args.id, settings, store, keep_current=not args.force)
        except SnapshotError as e:
            err.write(f"guardsh undo: {e}\n")
            return EXIT_FAILED
        except Exception as e:  # noqa: BLE001 - an undo must end in a sentence, never a traceback
            err.write(f"guardsh undo: restoring {args.id} failed: {type(e).__name__}: {e}\n")
            return EXIT_FAILED
        if audit:
            if result.kept_current:
                audit(result.kept_current.record())
            audit(result.record())
        out.write(result.summary() + "\n")
        return EXIT_OK
    snapshots = list(reversed(list_snapshots(store)))
    if args.json:
        out.write(json.dumps([m.listing() for m in snapshots], indent=1) + "\n")
        return EXIT_OK
    if not snapshots:
        out.write("no snapshots\n")
        return EXIT_OK
    for m in snapshots:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(m.time))
        out.write(f"{m.id}  {when}  {_size(m.bytes):>8}  {m.cwd}\n    $ {m.command}\n")
        for line in m.kept:
            out.write(f"    kept: {line}\n")
        for r in m.restores:
            kept_as = r.get("kept_current_as")
            out.write(f"    restored {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(r['time']))}"
                      f"{f' (what it replaced is kept as {kept_as})' if kept_as else ''}\n")
    return EXIT_OK


def _size(n: int) -> str:
    from .files import human_bytes

    return human_bytes(n)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
