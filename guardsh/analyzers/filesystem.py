"""What a command does to files through the shell: redirections that empty or
overwrite a file, a command that reads and overwrites the same file, writes
into guardsh's own files, and deleting what an earlier command on the line
moved into place. Pure functions of the command and where it runs; the shell
session keeps the line's state (what was replaced) and passes it in."""

from __future__ import annotations

import os

from .. import targets
from ..argv import read_args
from ..model import Command, Effect, ProgramSpec, Redirect, Word
from ..textmatch import glob_match

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: this module is on every command's path
if TYPE_CHECKING:
    from collections.abc import Callable

NO_OUTPUT = {":", "true", "false"}


def replaced_effects(cmd: Command, replaced: set[str], absolute: Callable[[str], str], cwd: str | None,
                     project: str | None, home: str) -> list[Effect]:
    """`mv ~/work node_modules && rm -rf node_modules`: a path that mv, cp or
    ln filled earlier on the line is no longer what its name says. Records
    such paths in `replaced`; returns the effects of deleting one."""
    effects: list[Effect] = []
    paths = [w for w in cmd.args if not w.text.startswith("-")]
    if cmd.name in ("mv", "cp", "ln", "install", "rsync") and len(paths) >= 2 and not paths[-1].dynamic:
        kinds = {targets.classify(w, cwd, project, home) for w in paths[:-1]}
        if not kinds <= {"artifact", "tmp", "null"}:  # mv build build.old: still build output
            replaced.add(absolute(paths[-1].text).rstrip("/"))
    elif cmd.name in ("rm", "rimraf", "unlink", "srm", "shred", "rmdir") and replaced:
        for w in paths:
            if not w.dynamic and absolute(w.text).rstrip("/") in replaced:
                effects.append(Effect("fs.delete-replaced", target=w.text,
                                      detail=f"{cmd.name} {w} deletes what an earlier command put there"))
    return effects


def write_effects(cmd: Command, programs: dict[str, ProgramSpec], cwd: str | None, project: str | None,
                  home: str) -> list[Effect]:
    """What the files `cmd` writes through > (and tee) lose."""
    writes = [r.target for r in cmd.redirects
              if r.op in (">", ">|", "&>", ">&") and r.target is not None and r.fd != "0"]
    if cmd.name == "tee":
        parsed = read_args(cmd, programs)
        if not parsed.flags & {"-a", "--append"}:
            writes.extend(parsed.positionals)
    effects: list[Effect] = []
    for target in writes:
        if target.text.isdigit() or target.text == "-":
            continue  # >&2 is a file descriptor, not a file
        effects.extend(_write_effects(cmd, target, cwd, project, home))
    return effects


def guard_write_effects(r: Redirect, cwd: str | None, project: str | None, home: str) -> list[Effect]:
    """A redirection into guardsh's own files or an agent's hook settings."""
    if targets.classify(r.target, cwd, project, home) == "guard":
        return [Effect("guard.write", target=r.target.text, detail=f"{r.op} {r.target}")]
    return []


def _write_effects(cmd: Command, target: Word, cwd: str | None, project: str | None, home: str) -> list[Effect]:
    kind = targets.classify(target, cwd, project, home)
    shown = str(target)
    if kind == "device":
        return [Effect("disk.write-device", target=target.text, detail=f"> {shown}")]
    if kind in ("null", "tmp", "artifact"):
        return []
    if _writes_nothing(cmd):
        return [Effect("fs.truncate-file", target=target.text,
                       detail=f"{' '.join(map(str, cmd.argv))} > {shown}".strip())]
    if _reads(cmd, target.text, own_args=cmd.name != "tee"):
        return [Effect("fs.clobber-same-file", target=target.text, detail=f"reads and overwrites {shown}")]
    if kind in ("system", "root") or (kind == "home" and _is_protected_home_file(target.text, home)):
        return [Effect("fs.overwrite-outside", target=target.text, detail=f"> {shown}")]
    return []


def _writes_nothing(cmd: Command) -> bool:
    if not cmd.argv:
        return True
    name, args = cmd.name, [w.text for w in cmd.args]
    if name in NO_OUTPUT:
        return True
    if name == "cat" and args and all(a == "/dev/null" for a in args):
        return True
    if name == "echo" and args in (["-n"], ["-n", ""]):
        return True
    return name == "printf" and args in ([""], ["%s", ""])

def _reads(cmd: Command, path: str, own_args: bool = True) -> bool:
    chain = [cmd] if own_args else []
    stdin = cmd.stdin
    while stdin is not None:
        if stdin.kind == "file" and stdin.path is not None and stdin.path.text == path:
            return True
        if stdin.kind == "command" and stdin.source is not None:
            chain.append(stdin.source)
            stdin = stdin.source.stdin
        else:
            break
    return any(w.text == path for c in chain for w in c.args)


# Files in the home directory whose contents are configuration or
# credentials: overwriting one (rather than appending) loses it.
def _is_protected_home_file(path: str, home: str) -> bool:
    rel = os.path.relpath(path, home) if os.path.isabs(path) else path
    return any(glob_match(rel, pattern) for pattern in targets.PROTECTED_HOME_FILES)
