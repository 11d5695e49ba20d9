"""The few commands whose output guardsh can know before they run (echo,
printf, cat, base64 -d, xxd -r -p), so that `$(echo cm0gLXJmIH4= | base64 -d)`
and `printf 'rm -rf %s' ~ | sh` are read as what they print. A mixin of the
shell session: it reads files through the session (read_file)."""

from __future__ import annotations

from ..model import DYN, Command, Stdin


class Evaluator:
    """stdin_text and output_of, for ShellSession (which provides read_file)."""

    def stdin_text(self, stdin: Stdin | None) -> str | None:
        """What flows into a command's stdin, when it can be known."""
        if stdin is None:
            return ""
        if stdin.kind == "text":
            return stdin.text
        if stdin.kind == "file":
            return self.read_file(stdin.path.text) if stdin.path and not stdin.path.dynamic else None
        return self.output_of(stdin.source) if stdin.source is not None else None

    def output_of(self, cmd: Command) -> str | None:
        """What a command prints, for the few that are pure functions of
        their arguments and input (echo, printf, cat, base64 -d, xxd -r)."""
        args = [w.text for w in cmd.args]
        if any(DYN in a for a in args):
            return None
        name = cmd.name
        if name == "echo":
            newline, escapes = "\n", False
            while args and len(args[0]) > 1 and args[0][0] == "-" and not args[0][1:].strip("neE"):
                newline = "" if "n" in args[0] else newline
                escapes = "e" in args[0] or escapes
                args = args[1:]
            text = " ".join(args)
            return (_ansi_escapes(text) if escapes else text) + newline
        if name == "printf" and args:
            return _printf(args[0], args[1:])
        if name == "cat":
            files = [a for a in args if not a.startswith("-") or a == "-"]
            if not files:
                return self.stdin_text(cmd.stdin)
            parts = [self.stdin_text(cmd.stdin) if f == "-" else self.read_file(f) for f in files]
            return None if any(p is None for p in parts) else "".join(parts)
        if name == "base64" and {"-d", "--decode", "-D"} & set(args):
            import base64
            import binascii

            data = self.stdin_text(cmd.stdin)
            try:
                return None if data is None else base64.b64decode("".join(data.split())).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                return None
        if name == "xxd" and "-r" in args and "-p" in args:
            data = self.stdin_text(cmd.stdin)
            try:
                return None if data is None else bytes.fromhex("".join(data.split())).decode("utf-8", "replace")
            except ValueError:
                return None
        return None


def _ansi_escapes(text: str) -> str:
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape", "replace")


def _printf(fmt: str, args: list[str]) -> str:
    """printf's output for %s/%b/%d formats; enough to read a built command."""
    import re

    fmt = _ansi_escapes(fmt)
    slots = len(re.findall(r"%[-0-9.]*[sbdqc]", fmt))
    if not slots:
        return fmt
    out, rest = [], list(args) or [""]
    while rest:
        chunk, rest = rest[:slots], rest[slots:]
        chunk += [""] * (slots - len(chunk))
        it = iter(chunk)
        out.append(re.sub(r"%[-0-9.]*[sbdqc]", lambda m: next(it), fmt.replace("%%", "\x01")).replace("\x01", "%"))
    return "".join(out)
