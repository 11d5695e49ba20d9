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
    if name == "exec" and not args:
        return True  # `exec 3> f`: the shell opens (and empties) f, nothing is written
    if name == "tee" and _stdin_empty(cmd):
        return True
    if name == "cat" and args and all(a == "/dev/null" for a in args):
        return True
    if name == "echo" and args in (["-n"], ["-n", ""]):
        return True
    return name == "printf" and args in ([""], ["%s", ""])

def _stdin_empty(cmd: Command) -> bool:
    """Nothing arrives on stdin: `< /dev/null`, `: |`, `echo -n |`."""
    stdin = cmd.stdin
    if stdin is None:
        return False
    if stdin.kind == "file":
        return stdin.path is not None and stdin.path.text == "/dev/null"
    if stdin.kind == "text":
        return stdin.text is not None and not stdin.text.strip()
    # A writer that writes nothing still writes nothing whatever its redirections
    # say (`{ true | crontab; } |& tee log` gives true a 2>&1).
    return stdin.source is not None and _writes_nothing(stdin.source)


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


# --- replacing a file's contents: one effect, fs.overwrite ------------------------------------
# Every way to replace what a file holds with nothing, or with another file,
# is reported as fs.overwrite on that file; the rule decides by the file's
# class (guardsh/targets.py) whether that matters. Replacing a file with
# another one is reported only when the file exists (nothing is lost
# otherwise) and is not the project's source (copying over source is what
# editing is; git has the old version).

OVERWRITERS = {"sed", "gsed", "ex", "vi", "vim", "nvim", "gvim", "view", "perl", "awk", "gawk", "cp", "mv", "install",
               "ln", "ssh-keygen", "crontab", "git", "sort", "dd", "openssl", "fallocate"}
_SED_DELETE_ALL = ("d", "1,$d", "1,$ d", "$!d;d", "g/^/d", "/^/d", "/.*/d", "/./d;/^$/d")
_EX_DELETE_ALL = ("%d", "%delete", "1,$d", "1,$delete", "g/^/d", "%norm dd", "0,$d")
_EX_WRITES = ("x", "x!", "wq", "wq!", "w", "w!", "wqa", "xa", "exit")
_LISTS_ONLY = {"-l", "-y", "-p", "-R", "-F", "-H", "-L", "-Q", "-e", "-i", "-B", "-D", "-k", "-s", "-Y", "-r"}


def overwrite_effects(cmd: Command, programs: dict[str, ProgramSpec], cwd: str | None, project: str | None,
                      home: str, stdin_text: Callable[[], str | None]) -> list[Effect]:
    name = cmd.name
    found: list[tuple[str, str]] = []  # (path, how)
    words = [w.text for w in cmd.args]

    def exists(path: str) -> bool:
        full = os.path.expanduser(path)
        full = full if os.path.isabs(full) else os.path.join(cwd or project or "/", full)
        return os.path.lexists(full)

    if name in ("sed", "gsed"):
        in_place = any(w == "-i" or w.startswith(("--in-place", "-i")) or (w.startswith("-") and not w.startswith("--")
                       and "i" in w[1:] and "e" not in w[1:].split("i")[0]) for w in words if w.startswith("-"))
        scripts, files, k = [], [], 0
        while k < len(words):
            w = words[k]
            if w in ("-e", "--expression") and k + 1 < len(words):
                scripts.append(words[k + 1]); k += 2; continue
            if w.startswith("--expression="):
                scripts.append(w.split("=", 1)[1])
            elif w in ("-f", "--file", "-l", "--line-length") and k + 1 < len(words):
                k += 2; continue
            elif not w.startswith("-") or w == "-":
                files.append(w)
            k += 1
        if not scripts and files:
            scripts, files = [files[0]], files[1:]
        silent = any(w in ("-n", "--quiet", "--silent") or (w.startswith("-") and not w.startswith("--") and "n" in w)
                     for w in words)
        empties = any(" ".join(s.split()) in _SED_DELETE_ALL for s in scripts) or (
            silent and scripts and not any("p" in s or "w" in s for s in scripts))
        if in_place and empties:
            found += [(f, f"{name} -i '{scripts[0]}' {f} deletes every line") for f in files]
    elif name in ("ex", "vi", "vim", "nvim", "gvim", "view"):
        commands = [words[k + 1] for k, w in enumerate(words[:-1])
                    if w in ("-c", "--cmd") or (w.startswith("-") and not w.startswith("--") and w.endswith("c"))]
        commands += [w[1:] for w in words if w.startswith("+") and len(w) > 1]
        files = [w for k, w in enumerate(words) if not w.startswith(("-", "+")) and (k == 0 or words[k - 1] not in ("-c", "--cmd", "-u", "-i", "-S", "-s", "-T", "-w", "-W"))]
        parts = [p.strip() for c in commands for p in c.split("|")]
        if any(p in _EX_DELETE_ALL for p in parts) and any(p in _EX_WRITES for p in parts):
            found += [(f, f"{name} -c '{' | '.join(commands)}' empties {f}") for f in files]
    elif name == "perl":
        flags = "".join(w[1:] for w in words if w.startswith("-") and not w.startswith("--") and w not in ("-e", "-E"))
        codes = [words[k + 1] for k, w in enumerate(words[:-1]) if w in ("-e", "-E") or (w.startswith("-") and w.endswith("e") and not w.startswith("--"))]
        files = [w for k, w in enumerate(words) if not w.startswith("-") and w not in codes]
        prints = any(p in c for c in codes for p in ("print", "say", "printf", "syswrite"))
        never = all(c.replace(" ", "") in ("", "printif0", "printif0;", "printunless1", "printif''") for c in codes)
        if "i" in flags and "n" in flags and "p" not in flags and codes and (not prints or never):
            found += [(f, f"perl -ni with code that prints nothing empties {f}") for f in files]
    elif name in ("awk", "gawk"):
        inplace = any(words[k + 1] == "inplace" for k, w in enumerate(words[:-1]) if w in ("-i", "--include"))
        rest = [w for k, w in enumerate(words) if not w.startswith("-") and (k == 0 or words[k - 1] not in ("-i", "--include", "-f", "-v"))]
        if inplace and rest and rest[0].replace(" ", "") in ("0", "NR==0", "FNR==0", "NR<0", "NR<1", "FNR<1"):
            found += [(f, f"{name} -i inplace '{rest[0]}' prints nothing back into {f}") for f in rest[1:]]
    elif name in ("cp", "mv", "install", "ln"):
        parsed = read_args(cmd, programs)
        paths = [w.text for w in parsed.positionals]
        if name == "ln" and not ({"-f", "--force"} & parsed.flags and {"-s", "--symbolic"} & parsed.flags):
            paths = []
        keeps = {"--no-clobber", "-i", "--interactive", "-t", "--target-directory", "-d", "--directory"}
        if name != "ln":
            keeps.add("-n")  # cp/mv -n never overwrite; ln -n only does not follow a link
        if len(paths) >= 2 and not keeps & parsed.flags:
            dest, sources = paths[-1], paths[:-1]
            if len(sources) == 1 and not dest.endswith("/"):
                emptied = sources[0] in ("/dev/null", "/dev/zero")
                kind = targets.classify(dest, cwd, project, home)
                if emptied or (exists(dest) and not os.path.isdir(_abs(dest, cwd, project))
                               and kind not in ("project", "artifact", "tmp", "null")):
                    how = "with nothing" if emptied else f"with {sources[0]}"
                    found.append((dest, f"{name} replaces {dest} {how}"))
    elif name == "ssh-keygen":
        parsed = read_args(cmd, programs)
        path = next((words[k + 1] for k, w in enumerate(words[:-1]) if w == "-f"), None)
        if path and not parsed.flags & _LISTS_ONLY and cmd.stdin is not None and exists(path):
            source = cmd.stdin.source.name if cmd.stdin.kind == "command" and cmd.stdin.source else ""
            text = stdin_text()
            if source == "yes" or (text is not None and text.strip().lower().startswith("y")):
                found.append((path, f"answering yes to ssh-keygen overwrites the key {path}"))
    elif name == "crontab":
        files = [w for w in words if not w.startswith("-") or w == "-"]
        if cmd.stdin is not None and files in ([], ["-"]):
            text = stdin_text()
            if _stdin_empty(cmd) or (text is not None and not text.strip()):
                found.append(("crontab", "crontab reads an empty table from stdin: every job is removed"))
    elif name == "git":
        found += _git_checkout_paths(cmd, programs, exists)
    elif name == "sort":
        out = next((words[k + 1] for k, w in enumerate(words[:-1]) if w in ("-o", "--output")), None)
        inputs = [w for k, w in enumerate(words) if not w.startswith("-") and (k == 0 or words[k - 1] not in ("-o", "--output"))]
        if out and inputs and all(w == "/dev/null" for w in inputs):
            found.append((out, f"sort -o {out} of nothing empties it"))
    elif name in ("dd", "openssl", "fallocate"):
        if name == "dd":
            dest = next((w[3:] for w in words if w.startswith("of=")), None)
        elif name == "openssl":
            dest = words[words.index("-out") + 1] if words[:1] == ["rand"] and "-out" in words[:-1] else None
        else:
            dest = words[-1] if words and {"--punch-hole", "-p", "--collapse-range", "-c", "--zero-range", "-z"} & set(words) else None
        if dest and not dest.startswith("/dev/") and exists(dest):
            found.append((dest, f"{name} writes over {dest}"))
    return [Effect("fs.overwrite", target=path, detail=how) for path, how in found]


def _abs(path: str, cwd: str | None, project: str | None) -> str:
    full = os.path.expanduser(path)
    return full if os.path.isabs(full) else os.path.join(cwd or project or "/", full)


def _git_checkout_paths(cmd: Command, programs, exists) -> list[tuple[str, str]]:
    """`git checkout PATH` and `git checkout TREE PATH...` without `--`
    overwrite the working-tree files with the committed version, exactly as
    `git checkout -- PATH` does: uncommitted changes to them are lost."""
    parsed = read_args(cmd, programs)
    words = [w.text for w in parsed.positionals]
    if words[:1] != ["checkout"] or "--" in parsed.flags or parsed.flags & {"-b", "-B", "--orphan", "-p", "--patch",
                                                                            "-t", "--track", "--detach"}:
        return []
    rest = words[1:]
    if len(rest) >= 2:
        paths = rest[1:]
    elif len(rest) == 1 and rest[0] != "." and exists(rest[0]):
        paths = rest
    else:
        return []
    return [(p, f"git checkout {' '.join(rest)} discards uncommitted changes to {p}") for p in paths]
