"""The data that flows through the pipeline: words, commands, effects.

parse -> unwrap -> analyse produce `Command`s; rules match them; `decide`
turns matches into a `Verdict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Stands in, inside a word's text, for a part only known at run time
# ($VAR, $(cmd), the arguments xargs will append, ...).
DYN = "\x00"


@dataclass
class Word:
    text: str  # after quote removal; DYN marks run-time parts
    raw: str = ""  # as written on the command line
    glob: bool = False  # holds an unquoted *, ? or [ that the shell will expand

    @property
    def dynamic(self) -> bool:
        return DYN in self.text

    def __str__(self) -> str:
        return self.raw or self.text.replace(DYN, "$?")


@dataclass
class Redirect:
    op: str  # '>', '>>', '>|', '&>', '<', '<<', '<<<', ...
    target: Word | None = None  # the file, for file redirects
    fd: str | None = None


@dataclass
class Stdin:
    """What a command reads on standard input, as far as it can be known."""

    kind: str  # "text" (heredoc, here-string), "file", "command" (a pipe), "tty"
    text: str | None = None  # for "text": the content (DYN where dynamic)
    path: Word | None = None  # for "file"
    source: "Command | None" = None  # for "command": the writer of the pipe


@dataclass
class Effect:
    """A fact an analyser found about what a command will do: `sql.drop-table`,
    `http.delete`, `shell.dynamic-command`. Rules match effects by kind."""

    kind: str
    target: str | None = None  # what it acts on: a table, a URL, a path
    detail: str = ""  # the part of the command that shows it


@dataclass
class Command:
    argv: list[Word]
    assigns: dict[str, Word] = field(default_factory=dict)
    redirects: list[Redirect] = field(default_factory=list)
    stdin: Stdin | None = None
    via: tuple[str, ...] = ()  # the wrappers it runs inside: ("sudo", "bash -c")
    cwd: str | None = None  # where it runs, when `cd` on the line says so
    effects: list[Effect] = field(default_factory=list)
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # parsed args, per rule set

    @property
    def name(self) -> str:
        """The program's name as bash will look it up: `/bin/rm` -> `rm`."""
        if not self.argv:
            return ""
        return self.argv[0].text.rsplit("/", 1)[-1]

    @property
    def args(self) -> list[Word]:
        return self.argv[1:]

    def display(self) -> str:
        return " ".join(str(w) for w in self.argv) or " ".join(
            r.op + (str(r.target) if r.target else "") for r in self.redirects
        )
