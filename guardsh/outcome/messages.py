"""Everything a human reads, written once: what a verdict means, the refusal
an agent reads, and `visible()`, the one writer's filter.

The command line comes from the agent, so anything in it that a terminal
acts on instead of showing (ESC sequences that conceal, move the cursor or
set a title; bidirectional overrides that reorder what is read; characters
that take no space) is turned into text the human can see before it is
written anywhere a human reads it: the prompt on /dev/tty, the refusal on
stderr, the hook's message, `approve`, `pending`, `log` and `check`."""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from ..policy.decide import Verdict

# Printable by str.isprintable() yet drawn as nothing: Hangul fillers, the
# combining grapheme joiner, Khmer inherent vowels. (Format characters, Cf,
# such as U+200B-200F, U+202A-202E, U+2060-2069, U+061C and U+FEFF, are not
# printable and need no list.) U+2800 is the blank Braille pattern.
# The variation selectors (U+FE00-FE0F, U+E0100-E01EF) are combining marks
# that draw nothing: `data` and `data<U+FE0F>` look alike and name two files.
_INVISIBLE = frozenset((0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0,
                        *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)))

NO_DETOUR = "Do not look for another way to run this (another tool, spelling, script or file)."


def visible(text: str) -> str:
    """`text` with nothing a terminal would act on or hide: C0/C1 controls
    and DEL as Python escapes (`\\x1b`, `\\r`, `\\x9b`), undecodable bytes as
    `\\xNN`, and format, separator, private or invisible characters as
    `<U+202E>`. Newlines are kept; everything printable is unchanged."""
    if text.isascii() and text.replace("\n", "").isprintable():
        return text
    out = []
    for c in text:
        o = ord(c)
        if c == "\n" or (o not in _INVISIBLE and c.isprintable()):
            out.append(c)
        elif o < 0x20 or 0x7F <= o <= 0x9F:
            out.append(repr(c)[1:-1])
        elif 0xDC80 <= o <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{o - 0xDC00:02x}")
        else:
            out.append(f"<U+{o:04X}>")
    return "".join(out)


def one_line(text: str, limit: int = 300) -> str:
    """An excerpt: blanks and newlines collapsed, cut at `limit`. Only spaces,
    tabs and newlines: str.split() would also blank out \r, \x85 and \x1c-\x1f,
    which visible() must show. Never for the command a human confirms."""
    flat = " ".join(w for w in text.replace("\t", " ").replace("\n", " ").split(" ") if w)
    return flat if len(flat) <= limit else flat[:limit] + " ..."


def listed(command: str, indent: int) -> str:
    """A whole command in a listing (`log`, `pending`): visible, never cut,
    its own further lines `indent` columns in."""
    return visible(command).replace("\n", "\n" + " " * indent)


COMMAND_LABEL = "  command: "


def describe(command: str, verdict: Verdict, width: int | None = None) -> str:
    """What the verdict means, shown to the human (and, refused, to the agent):
    the whole command, with what the rules matched marked, then why."""
    return (COMMAND_LABEL + show_command(command, marked_spans(command, verdict), width, len(COMMAND_LABEL))
            + "\n" + explain(verdict))


def explain(verdict: Verdict) -> str:
    """The rules a verdict rests on, and why each matched."""
    lines = []
    if getattr(verdict, "wrapper", None):
        wrapper = one_line(verdict.wrapper, len(verdict.wrapper))
        if len(wrapper) > 300:  # Codex's is ~38 KB: its start and its end (where the command was) say what it is
            wrapper = f"{wrapper[:120]} [...] {wrapper[-160:]}"
        lines.append(f"  inside the agent's wrapper: {wrapper}")
    if verdict.production:
        lines.append(f"  PRODUCTION: this looks like production ({one_line(verdict.production, 120)})")
    for m in verdict.matches:
        lines.append(f"  [{m.rule.action}] {m.rule.id}: {m.rule.reason}")
        where = " via " + " > ".join(m.command.via) if m.command.via else ""
        lines.append(f"      matched: {one_line(m.detail)}{where}")
        if m.rule.alternative:
            lines.append(f"      safer: {m.rule.alternative}")
    return visible("\n".join(lines))


def marked_spans(command: str, verdict: Verdict) -> list[tuple[int, int]]:
    """Where the matched commands are written in `command`: each one's words,
    as written, in order, with only blanks between. A command the line does
    not spell out (built by a variable, quoted differently inside bash -c) is
    not found and not marked; the `matched:` line names it all the same."""
    import re

    spans = set()
    for m in verdict.matches:
        words = [w.raw for w in m.command.argv if w.raw]
        if not words:
            continue
        pattern = r"(?:[ \t]|\\\n)+".join(map(re.escape, words))
        spans.update(found.span() for found in re.finditer(pattern, command))
    return sorted(spans)


WRAPPED = "+"  # in the margin: this row goes on with the line above (a newline would run a new command)


def show_command(command: str, spans=(), width: int | None = None, indent: int = 4) -> str:
    """All of `command`, every character visible (see visible()), however long:
    never cut. The first row is written where the caller's label ends, the
    others `indent` columns in. A line wider than `width` columns (None: no
    limit) goes on in the next row, marked WRAPPED just left of the text:
    what follows the mark is exactly what follows in the line, so a row cut
    at a blank starts with that blank (`+ word`) and a word cut for being
    longer than a row does not (`+rd`). Under a part that lies in `spans`, a
    row of ^ marks it, unless the mark would cover the whole command."""
    marked = [False] * len(command)
    for start, end in spans:
        for i in range(max(0, start), min(end, len(command))):
            marked[i] = True
    if all(marked[i] for i, c in enumerate(command) if not c.isspace()):
        marked = [False] * len(command)  # the whole line matched: a mark would say nothing
    room = max(20, width - indent - 1) if width else None  # -1: never the last column (autowrap)
    rows: list[str] = []
    offset = 0
    for line in command.split("\n"):
        units = [_unit(c, marked[offset + i]) for i, c in enumerate(line)]
        offset += len(line) + 1
        first = True
        for part in _wrap(units, room):
            margin = "" if not rows else " " * indent if first else " " * (indent - len(WRAPPED)) + WRAPPED
            rows.append(margin + "".join(shown for shown, _, _ in part))
            carets = "".join(("^" if mark else " ") * cols for _, cols, mark in part).rstrip()
            if carets:
                rows.append(" " * indent + carets)
            first = False
    return "\n".join(rows)


def _unit(c: str, mark: bool) -> tuple[str, int, bool]:
    """(how `c` is shown, the columns that takes, whether it is marked)."""
    from unicodedata import combining, east_asian_width

    shown = visible(c)
    if shown != c:
        return shown, len(shown), mark
    return c, 2 if east_asian_width(c) in "WF" else 0 if combining(c) else 1, mark


def _wrap(units: list, room: int | None) -> list[list]:
    """Rows of at most `room` columns, cut before a blank where the row has one."""
    if not units:
        return [[]]
    rows, start = [], 0
    while start < len(units):
        end, used = start, 0
        while end < len(units) and (end == start or room is None or used + units[end][1] <= room):
            used += units[end][1]
            end += 1
        if end < len(units):
            blank = next((k for k in range(end, start, -1) if units[k][0] == " "), None)
            end = blank if blank is not None else end
        rows.append(units[start:end])
        start = end
    return rows


DANGER = "guardsh: this command can destroy something that cannot be brought back."


def refusal(shown: str, verdict: Verdict, why: str, approval: tuple[str, str] | None = None,
            width: int | None = None) -> str:
    """What a refused agent reads, on every channel: what, which rule, why,
    and what to do. `approval` is (request id, how long an approval lasts)."""
    if approval:
        rid, lasts = approval
        ask = (f"Stop and ask your human to run `guardsh approve {rid}` in their own terminal (it shows "
               "them this command and asks them to type a confirmation), then re-run exactly the same "
               f"command from the same directory: it will run once. An approval lasts {lasts}.")
    elif verdict.decision == "deny":
        ask = ("Stop and ask your human: they can run it themselves in their own terminal if they decide "
               "it is right.")
    else:
        ask = ("Stop and ask your human: they can run it themselves in their own terminal, where guardsh "
               "will ask them to confirm.")
    return f"guardsh: refused; nothing was run. {why}\n{describe(shown, verdict, width)}\n{NO_DETOUR} {ask}"
