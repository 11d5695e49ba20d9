"""The judgement of a sourced start-up file, kept between guardsh runs.

Claude Code runs every command as `source SNAPSHOT ... && eval 'CMD' ...`, and
a snapshot built from a user's rc files holds hundreds to thousands of lines
(nvm, conda, completion functions). Reading it again for every command would
cost more than the command. So what reading it left behind is cached under
guardsh's cache dir, keyed by the file's identity (device, inode, size,
mtime_ns, ctime_ns), the identity of the rule files the program tables came
from, the working directory and home: any change to any of them reads the
file again.

What is cached is what the line's judgement needs: the commands the file
runs (replayed into the session and judged by the rules as any other command;
once the engine has found that none of them matches a rule, they are dropped
from the entry: mark_clean), and the state it leaves: its functions (as their
text, parsed again only when one is called), aliases, variables, positional
parameters.

Only a file whose reading depends on nothing but its own text is cached:
sourced with no function or alias defined before it on the line (the
variables set before it are part of the key), it may only run
builtins that change the shell's own state (alias, shopt, set -o, export,
declare, unset, hash, complete ...), with nothing redirected but to
/dev/null or another descriptor, no effect found, no other file read and no
`cd`. Anything else (a nested `source`, a program, a write) is read afresh
every time, as before."""

from __future__ import annotations

import os

from ..model import Command, Effect, Redirect, Stdin, Word

FORMAT = 1
# Builtins that only change the shell's own state or print: what they do
# cannot depend on, or change, any file.
INERT = frozenset({"alias", "unalias", "shopt", "set", "export", "declare", "typeset", "local", "readonly",
                   "unset", "hash", "true", "false", ":", "return", "shift", "umask", "complete", "compopt",
                   "echo", "printf", "type", "trap", "test", "[", "command", "builtin", "let"})
_QUIET = ("/dev/null",)


def usable(scan) -> bool:
    """Is the session as it is at the start of a line (nothing defined yet)?"""
    # Redirections of an enclosing group that only silence it (`{ ...; } >/dev/null
    # 2>&1`; tree-sitter also hands a list's trailing ones to all of it) change nothing read.
    return (getattr(scan.programs, "identity", "") != "" and scan.depth == 1
            and not scan.functions and not scan.aliases and scan.positional is None
            and all(_quiet(r) for redirects, _ in scan.pending_redirects for r in redirects)
            and not scan.written and not scan.replaced
            and not scan.virtual_files and scan.cwd == scan.project)


def _cache_file(path: str) -> str:
    import zlib

    from .. import paths

    return os.path.join(paths.cache_dir(), f"sourced-{zlib.crc32(path.encode('utf-8', 'surrogateescape')):08x}.cache")


def _key(scan, path: str):
    import stat

    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    # The variables set before it (Codex saves ~100 of its own first) may be read by it.
    return (FORMAT, path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns,
            scan.programs.identity, scan.cwd, scan.home, sorted(scan.vars.items()),
            repr(scan.pending_redirects))


def replay(scan, path: str, via: tuple[str, ...]) -> bool:
    """Put what sourcing `path` left behind into the session, if cached."""
    import marshal

    key = _key(scan, path)
    if key is None:
        return False
    try:
        with open(_cache_file(path), "rb") as fh:
            stored_key, data = marshal.loads(fh.read())
    except Exception:  # noqa: BLE001 - missing, old or corrupt: read the file
        return False
    if stored_key != key:
        return False
    commands, functions, aliases, variables, positional, written = data
    replayed = [_command(c, via) for c in commands]
    for cmd in replayed:
        cmd.memo["sourced"] = _cache_file(path)
    scan.commands.extend(replayed)
    scan.functions = LazyFunctions(scan.functions)
    scan.functions.update(functions)
    scan.aliases.update(aliases)
    scan.vars.update(variables)
    scan.written.update(written)  # its >/dev/null 2>&1, as reading it would have left them
    scan.positional = None if positional is None else [Word(*w) for w in positional]
    return True


def record(scan, path: str, via: tuple[str, ...], read) -> None:
    """Read the file's text (`read()` parses it), and keep what it left if it qualifies."""
    key = _key(scan, path)
    mark, consulted = len(scan.commands), scan.files_consulted
    read()
    new = scan.commands[mark:]
    after = _key(scan, path)
    if key is None or after is None or key[:7] != after[:7]:
        return  # not a regular file, or it changed while being read
    if scan.files_consulted != consulted or scan.cwd != scan.project:
        return
    if not all(_inert(c) for c in new):
        return
    try:
        functions = {name: _function_text(value) for name, value in scan.functions.items()}
    except ValueError:
        return
    for cmd in new:
        cmd.memo["sourced"] = _cache_file(path)
    data = ([_command_data(c, len(via)) for c in new], functions, dict(scan.aliases), dict(scan.vars),
            None if scan.positional is None else [w.to_data() for w in scan.positional], sorted(scan.written))
    _write(_cache_file(path), key, data)


def _quiet(r: Redirect) -> bool:
    return r.target is None or r.target.text in _QUIET or r.target.text.isdigit() or r.target.text == "-"


def _inert(cmd: Command) -> bool:
    stdin_quiet = cmd.stdin is None or cmd.stdin.kind == "file" and cmd.stdin.path is not None \
        and cmd.stdin.path.text in _QUIET
    return not cmd.effects and cmd.name in INERT and stdin_quiet and all(_quiet(r) for r in cmd.redirects)


def _write(cache_file: str, key, data) -> None:
    import marshal

    tmp = f"{cache_file}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(cache_file), mode=0o700, exist_ok=True)
        with open(tmp, "wb") as fh:
            marshal.dump((key, data), fh)
        os.replace(tmp, cache_file)
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _word(w: Word) -> tuple:
    return (w.text, w.raw, w.glob)


def _command_data(cmd: Command, depth: int) -> tuple:
    stdin = cmd.stdin
    return ([_word(w) for w in cmd.argv], {k: _word(w) for k, w in cmd.assigns.items()},
            [(r.op, _word(r.target) if r.target else None, r.fd) for r in cmd.redirects],
            None if stdin is None else (stdin.kind, stdin.text, _word(stdin.path) if stdin.path else None),
            cmd.via[depth:], cmd.cwd, [(e.kind, e.target, e.detail) for e in cmd.effects])


def _command(data: tuple, via: tuple[str, ...]) -> Command:
    argv, assigns, redirects, stdin, inner_via, cwd, effects = data
    return Command([Word(*w) for w in argv], {k: Word(*w) for k, w in assigns.items()},
                   [Redirect(op, Word(*t) if t else None, fd) for op, t, fd in redirects],
                   None if stdin is None else Stdin(stdin[0], stdin[1], Word(*stdin[2]) if stdin[2] else None),
                   via + tuple(inner_via), cwd, [Effect(*e) for e in effects])


def _function_text(value) -> str:
    """A function's body as text, to be parsed again when it is called."""
    if isinstance(value, str):
        return value
    body, source = value
    if getattr(source, "blanked", None):
        raise ValueError("a body tree-sitter needed help to read")  # reread the file instead
    return source[body.start_byte:body.end_byte].decode("utf-8", "surrogateescape")


class LazyFunctions(dict):
    """Function name -> (body node, source); a cached body is kept as its
    text and parsed the first time the function is looked up."""

    def __getitem__(self, name):
        value = dict.__getitem__(self, name)
        if isinstance(value, str):
            from . import treesitter

            tree, source, error = treesitter.parse("__guardsh_f() " + value)
            node = tree.root_node.named_children[0] if tree.root_node.named_children else None
            body = node.child_by_field_name("body") if node is not None and error is None else None
            if body is None:  # cannot happen for a body read before; fail closed (internal error) if it does
                raise RuntimeError(f"the cached body of {name} does not parse")
            value = (body, source)
            dict.__setitem__(self, name, value)
        return value


def mark_clean(cache_file: str) -> None:
    """The engine found that none of the commands a cached file runs matched a
    rule: keep only the state it leaves. The key holds the rules' identity,
    so a rule change reads the file, and judges its commands, again."""
    import marshal

    try:
        with open(cache_file, "rb") as fh:
            key, data = marshal.loads(fh.read())
    except Exception:  # noqa: BLE001 - gone or corrupt: nothing to mark
        return
    if data[0]:
        _write(cache_file, key, ([],) + tuple(data[1:]))
