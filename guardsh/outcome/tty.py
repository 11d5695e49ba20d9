"""The typed confirmation, on the controlling terminal and only there.

The agent owns stdin and stdout; the human owns /dev/tty. The phrase is the
name of what would be destroyed when the rules can tell, else a random word,
so `yes | guardsh` or an agent echoing "y" confirms nothing."""

from __future__ import annotations

import secrets
import signal

from .messages import DANGER, describe, visible

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from ..policy.decide import Verdict

WORDS = ("amber", "birch", "cedar", "delta", "ember", "fjord", "grove", "harbor", "indigo",
         "juniper", "kestrel", "lagoon", "meadow", "nectar", "orchid", "pebble", "quartz",
         "raven", "saffron", "tundra", "umber", "violet", "willow", "yarrow", "zephyr")


class NoTerminal(Exception):
    """There is no controlling terminal to ask on."""


def random_phrase() -> str:
    return f"{secrets.choice(WORDS)}-{secrets.randbelow(90) + 10}"


def phrase_for(verdict: Verdict) -> str:
    return verdict.phrase_target() or random_phrase()


def ask(command: str, verdict: Verdict, timeout: float = 120.0) -> bool:
    """Ask on /dev/tty; True only when the exact phrase was typed in time."""
    return ask_phrase(phrase_for(verdict),
                      lambda width: f"\n{DANGER}\n{describe(command, verdict, width)}\n", timeout)


def ask_phrase(phrase: str, shown, timeout: float = 120.0, action: str = "run it",
               nothing: str = "nothing was run") -> bool:
    """Show `shown` on /dev/tty and ask for `phrase` there; True only when it
    was typed exactly and in time. `shown` may be a function of the
    terminal's width in columns, for text wrapped to fit it. `action` completes 'Type "PHRASE" to ...',
    `nothing` says what a refusal leaves undone. Raises NoTerminal."""
    try:
        tty_in = open("/dev/tty", encoding="utf-8", errors="replace")
        tty_out = open("/dev/tty", "w", encoding="utf-8", errors="replace")
    except OSError as e:
        raise NoTerminal(str(e)) from None
    with tty_in, tty_out:
        _say(tty_out, shown(terminal_width(tty_out)) if callable(shown) else shown)
        return _prompt(tty_in, tty_out, phrase, timeout, action, nothing)


def _prompt(tty_in, tty_out, phrase: str, timeout: float, action: str, nothing: str) -> bool:
    import asyncio

    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import create_input
    from prompt_toolkit.output import create_output

    session = PromptSession(input=create_input(stdin=tty_in), output=create_output(stdout=tty_out))
    message = visible(f'Type "{phrase}" to {action} (anything else refuses): ')

    async def run() -> str:
        return await asyncio.wait_for(session.prompt_async(message), timeout)

    previous = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        answer = asyncio.run(run())
    except (KeyboardInterrupt, EOFError):
        _say(tty_out, f"\nguardsh: cancelled; {nothing}.\n")
        return False
    except asyncio.TimeoutError:
        _say(tty_out, f"\nguardsh: no answer in {timeout:.0f} s; {nothing}.\n")
        return False
    finally:
        signal.signal(signal.SIGTERM, previous)
    if answer.strip() == phrase:
        return True
    _say(tty_out, f"guardsh: that is not the phrase; {nothing}.\n")
    return False


def terminal_width(stream) -> int | None:
    """Columns of the terminal `stream` writes to; None if it is not one."""
    import os

    try:
        return os.get_terminal_size(stream.fileno()).columns or None
    except (OSError, ValueError, AttributeError):
        return None


def raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _say(tty, text: str) -> None:
    """Every word guardsh writes on the human's terminal goes through here."""
    try:
        tty.write(visible(text))
        tty.flush()
    except OSError:
        pass
