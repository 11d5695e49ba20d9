"""The other languages (node, perl, ruby, php, awk, lua) as tokens: string
literals and comments set apart from the code's skeleton, so patterns read
only code, and `print('rm -rf /')` stays text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...model import DYN


PH_RE = r"\x01\d+\x01"  # a literal's place in the skeleton
PH = re.compile(r"\x01(\d+)\x01")


@dataclass
class Literal:
    value: str  # DYN marks interpolated parts
    source: str  # as written
    kind: str  # "str", "shell" (backticks, qx, %x), "template" (JS `...`), "regex", "list" (qw, %w)


class Unreadable(Exception):
    pass


# family: (line-comment markers, /* */ comments, quote characters)
_SYNTAX = {"node": (("//",), True, "'\"`"), "perl": (("#",), False, "'\"`"), "ruby": (("#",), False, "'\"`"),
           "php": (("//", "#"), True, "'\"`"), "awk": (("#",), False, '"'), "lua": (("--",), False, "'\"")}
_INTERPOLATION = {  # run-time parts inside interpolating strings
    "node": re.compile(r"\$\{(?:[^{}]|\{[^{}]*\})*\}"),
    "perl": re.compile(r"[$@](?:\{[^}]*\}|(?:::)?\w+(?:::\w+)*)"  # $x, ${x}, @x, then [i] {k} ->[i]
                       r"(?:\[[^\]]*\]|\{[^}]*\}|->[\[{][^\]}]*[\]}])*"),
    "ruby": re.compile(r"#\{(?:[^{}]|\{[^{}]*\})*\}|#[@$]\w+"),
    "php": re.compile(r"\{\$(?:[^{}]|\{[^{}]*\})*\}|\$\{[^}]*\}|\$\w+(?:->\w+|\[[^\]]*\])*"),
}
_QUOTE_LIKE = {  # perl q// qq// qx// qw// (m// s/// tr/// are regexes); ruby %q() %Q() %x() %w()
    "perl": (re.compile(r"(?<![\w$@%&>:-])(qq|qx|qw|qr|q|m|s|tr|y)\s*([^\w\s,;)\]}=>])"),
             {"q": ("str", False), "qq": ("str", True), "qx": ("shell", True), "qw": ("list", False)}),
    "ruby": (re.compile(r"(?<![\w)\]}])(%[qQxwWir])([^\w\s])"),
             {"%q": ("str", False), "%Q": ("str", True), "%x": ("shell", True), "%w": ("list", False),
              "%W": ("list", True), "%i": ("list", False)}),
}
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
_ESCAPE = re.compile(r"\\(?:x\{([0-9a-fA-F]+)\}|x([0-9a-fA-F]{1,2})|u\{([0-9a-fA-F]+)\}|u([0-9a-fA-F]{4})"
                     r"|([0-7]{1,3})|(.))", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "e": "\x1b", "a": "\a", "f": "\f", "v": "\v", "\n": ""}
# A '/' after these starts a regex literal, not a division.
_REGEX_AFTER = re.compile(r"(?:^|[(,=:\[!&|?{};~+*%<>\n-]|\b(?:return|typeof|split|grep|if|unless|and|or|not))"
                          r"\s*$")
_HOME = (r"os\.homedir\(\)|(?:process|Bun)\.env\.HOME\b|Dir\.home\b"
         r"|(?:process\.env|ENV|\$_SERVER|\$_ENV|ENVIRON)\s*\[\s*{S}\s*\]|\$ENV\{\s*(?:HOME|{S})\s*\}"
         r"|(?:getenv|Deno\.env\.get)\s*\(\s*{S}\s*\)")  # {S}: the string 'HOME'
HOME_IN_TEXT = re.compile(_HOME.replace("{S}", r"""['"]HOME['"]"""))
HOME_IN_SKELETON = re.compile(_HOME.replace("{S}", PH_RE))


def _interpolated(expression: str) -> str:
    inner = re.fullmatch(r"[#$]?\{(.*)\}", expression, re.S)  # #{...}, ${...}, {$...}
    return "~" if HOME_IN_TEXT.fullmatch(inner.group(1) if inner else expression) else DYN


def _read_quoted(family: str, code: str, i: int, close: str, interpolates: bool,
                 opener: str = "") -> tuple[str, int]:
    """The value of the string whose body starts at i, and the index after its closing quote."""
    parts, depth = [], 0
    interpolation = _INTERPOLATION.get(family) if interpolates else None
    while i < len(code):
        c = code[i]
        if c == "\\" and i + 1 < len(code):
            if not interpolates and family != "node":  # perl/ruby/php '...': only \\ and \' escape
                parts.append(code[i + 1] if code[i + 1] in (close, "\\", opener) else code[i:i + 2])
                i += 2
                continue
            m = _ESCAPE.match(code, i)
            number = next((g for g in m.groups()[:5] if g), None)
            parts.append(chr(int(number, 8 if m.group(5) else 16)) if number else
                         _SIMPLE_ESCAPES.get(m.group(6), m.group(6)))
            i = m.end()
            continue
        if c == close and depth == 0:
            return "".join(parts), i + 1
        depth += (c == opener) - (c == close)
        if interpolation and (m := interpolation.match(code, i)):
            parts.append(_interpolated(m.group()))
            i = m.end()
            continue
        parts.append(c)
        i += 1
    raise Unreadable(f"unterminated string near {code[max(0, i - 40):i]!r}")


def _regex_end(code: str, i: int) -> int | None:
    """The end of a /regex/ literal starting at i; None if this '/' does not start one."""
    in_class, j = False, i + 1
    while j < len(code) and code[j] != "\n":
        if code[j] == "\\":
            j += 1
        elif code[j] in "[]":
            in_class = code[j] == "["
        elif code[j] == "/" and not in_class:
            return re.compile(r"[a-z]*").match(code, j + 1).end()
        j += 1
    return None


def tokenize(family: str, code: str) -> tuple[str, list[Literal]]:
    """The code with every literal replaced by a placeholder and every comment by a space."""
    line_comments, block_comments, quotes = _SYNTAX[family]
    quote_like, kinds = _QUOTE_LIKE.get(family, (None, {}))
    out: list[str] = []
    literals: list[Literal] = []

    def emit(value: str, start: int, end: int, kind: str) -> int:
        literals.append(Literal(value, code[start:end], kind))
        out.append(f"\x01{len(literals) - 1}\x01")
        return end

    i = 0
    while i < len(code):
        c = code[i]
        if block_comments and code.startswith("/*", i):
            end = code.find("*/", i + 2)
            if end < 0:
                raise Unreadable("unterminated comment")
            out.append(" ")
            i = end + 2
        elif quote_like and (m := quote_like.match(code, i)):
            op, opener = m.groups()
            close = _PAIRS.get(opener, opener)
            nesting = opener if close != opener else ""
            kind, interpolates = kinds.get(op, ("regex", False))
            value, end = _read_quoted(family, code, m.end(), close, interpolates, nesting)
            if op in ("s", "tr", "y"):  # a second part: s/a/b/ or s{a}{b}
                start = re.compile(r"\s*.").match(code, end).end() if nesting else end
                _, end = _read_quoted(family, code, start, close, False, nesting)
            i = emit(value, i, re.compile(r"[a-z]*").match(code, end).end() if kind == "regex" else end, kind)
        elif any(code.startswith(mark, i) for mark in line_comments) and code[i - 1:i] != "$":  # perl $#x
            end = code.find("\n", i)
            i = len(code) if end < 0 else end
        elif c in quotes:
            kind = ("template" if family == "node" else "shell") if c == "`" else "str"
            value, end = _read_quoted(family, code, i + 1, c, c != "'" and (family != "node" or c == "`"))
            i = emit(value, i, end, kind)
        elif c == "/" and family != "php" and _REGEX_AFTER.search("".join(out[-20:])) and (
                end := _regex_end(code, i)):
            i = emit("", i, end, "regex")
        else:
            out.append(c)
            i += 1
    return "".join(out), literals


def split_top(text: str) -> list[str]:
    """Split at commas outside brackets."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        depth += (c in "([{") - (c in ")]}")
        if c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]
