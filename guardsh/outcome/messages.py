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
# printable and need no list.)
_INVISIBLE = frozenset((0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0))

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
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + " ..."


def describe(command: str, verdict: Verdict) -> str:
    """What the verdict means, shown to the human (and, refused, to the agent)."""
    lines = [f"  command: {one_line(command)}"]
    if verdict.production:
        lines.append(f"  PRODUCTION: this looks like production ({one_line(verdict.production, 120)})")
    for m in verdict.matches:
        lines.append(f"  [{m.rule.action}] {m.rule.id}: {m.rule.reason}")
        where = " via " + " > ".join(m.command.via) if m.command.via else ""
        lines.append(f"      matched: {one_line(m.detail)}{where}")
        if m.rule.alternative:
            lines.append(f"      safer: {m.rule.alternative}")
    return "\n".join(lines)


DANGER = "guardsh: this command can destroy something that cannot be brought back."


def refusal(shown: str, verdict: Verdict, why: str, approval: tuple[str, str] | None = None) -> str:
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
    return f"guardsh: refused; nothing was run. {why}\n{describe(shown, verdict)}\n{NO_DETOUR} {ask}"
