"""Reading a program's arguments the way getopt does: bundled short options
(`-rf`), values attached or apart (`-XDELETE`, `-X DELETE`, `--request=DELETE`),
and `--` ending the options."""

from __future__ import annotations

from .model import Command, ProgramSpec, Record, Word

# bash's options that take the next argument as their value (read by the
# drop-in front end and by the reader of `bash -o x -c ...`).
SHELL_VALUE_OPTIONS = frozenset("-o +o -O +O --rcfile --init-file".split())


class ParsedArgs(Record):
    __slots__ = _fields = ("flags", "values", "positionals")

    def __init__(self):
        self.flags: set[str] = set()  # every option seen: -r, -f, --force
        self.values: dict[str, list[str]] = {}  # option -> its values
        self.positionals: list[Word] = []

    def value(self, *names: str) -> str | None:
        for n in names:
            if self.values.get(n):
                return self.values[n][-1]
        return None


def parse_args(args: list[Word], value_options=frozenset(), stop_at_first_positional=False,
               optional_value_options=frozenset(), single_dash_long=False) -> tuple[ParsedArgs, int]:
    """-> (what was read, index in args where reading stopped).

    Options are read anywhere among the arguments (GNU style) unless
    `stop_at_first_positional`, which wrappers like sudo need: their command
    starts at the first word that is not an option. `single_dash_long` reads
    `-destroy` as one option, as Go's flag package does (terraform).
    """
    out = ParsedArgs()
    i = 0
    while i < len(args):
        text = args[i].text
        if text == "--":
            out.flags.add("--")
            if stop_at_first_positional:
                return out, i + 1
            out.positionals.extend(args[i + 1:])
            return out, len(args)
        if (text.startswith("--") or single_dash_long and text.startswith("-")) and len(text) > 2:
            name, eq, val = text.partition("=")
            out.flags.add(name)
            if eq:
                out.values.setdefault(name, []).append(val)
            elif name in value_options and i + 1 < len(args):
                out.values.setdefault(name, []).append(args[i + 1].text)
                i += 1
            i += 1
            continue
        # `-5` is a number to most programs, but to a wrapper (nice -10,
        # xargs -0) every leading `-word` is an option: its command comes after.
        if text.startswith("-") and len(text) > 1 and (
                not text[1].isdigit() or stop_at_first_positional or f"-{text[1]}" in value_options):
            j = 1
            while j < len(text):
                flag = "-" + text[j]
                out.flags.add(flag)
                if flag in value_options or flag in optional_value_options:
                    rest = text[j + 1:]
                    if rest:
                        out.values.setdefault(flag, []).append(rest)
                    elif flag in value_options and i + 1 < len(args):
                        out.values.setdefault(flag, []).append(args[i + 1].text)
                        i += 1
                    break
                j += 1
            i += 1
            continue
        if stop_at_first_positional:
            return out, i
        out.positionals.append(args[i])
        i += 1
    return out, i


def read_args(cmd: Command, programs: dict[str, ProgramSpec]) -> ParsedArgs:
    """Parse cmd's arguments with what the packs say about its program and,
    when there is one, its subcommand (`git push`, `railway volume`)."""
    memo = cmd.memo.get("args")
    if memo is not None:
        return memo
    name = cmd.name
    spec = programs.get(name)
    values = spec.value_options if spec else frozenset()
    go_style = bool(spec and spec.single_dash_long)
    parsed, _ = parse_args(cmd.args, values, single_dash_long=go_style)
    key = name
    for depth in range(2):
        if len(parsed.positionals) <= depth:
            break
        key = f"{key} {parsed.positionals[depth].text}"
        sub = programs.get(key)
        if sub is None:
            break
        values = values | sub.value_options
        parsed, _ = parse_args(cmd.args, values, single_dash_long=go_style)
    cmd.memo["args"] = parsed
    return parsed
