"""What code was found to do: effects, command lines to read as shell,
SQL to read as SQL (the shape every code reader fills in)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from ...model import DYN, Effect
from ...targets import DESTROYED_BY_WRITING


# Opening one of these for writing destroys what it holds (targets.py keeps the list).
_DATA_FILE = re.compile(DESTROYED_BY_WRITING)
URL = re.compile(r"https?://")
SQL_START = re.compile(r"\s*(?:SELECT|INSERT|UPDATE|DELETE|DROP|TRUNCATE|ALTER|CREATE|WITH|REPLACE|MERGE|"
                  r"GRANT|REVOKE|PRAGMA|VACUUM|ATTACH)\b", re.I)



@dataclass
class CodeFindings:
    effects: list[Effect] = field(default_factory=list)
    shell_commands: list[str] = field(default_factory=list)
    sql_statements: list[str] = field(default_factory=list)

    def add(self, kind: str, target: str | None, detail: str) -> None:
        # Two readers may see the same call (ruby's token reader and its library sinks): once is enough.
        if not any(e.kind == kind and e.target == target for e in self.effects):
            self.effects.append(Effect(kind, target, detail[:200]))

    def command(self, line: str, detail: str, decoded: bool = False) -> None:
        """A command line the code runs; decoded: it came out of base64/hex."""
        if decoded:
            self.add("code.dynamic-eval", line, detail)
        if DYN in line:
            self.add("code.dynamic-shell", line, detail)
        elif line.strip():
            self.shell_commands.append(line)

    def sql(self, text: str) -> None:
        if text.replace(DYN, "").strip() and text not in self.sql_statements:
            self.sql_statements.append(text)

    def open_for_write(self, target: str, mode: str, detail: str) -> None:
        if re.match(r"\+?[w>](?!>)", mode) and _DATA_FILE.search(target):
            self.add("code.truncate-file", target, detail)


def argv_line(items: list[str]) -> str:
    """argv as a shell line. A leading ~ stays unquoted: it stands for the home directory."""
    if any(DYN in i for i in items):
        return " ".join(items)
    home = re.compile(r"~(?=/|$)/?")
    return " ".join(m.group() + (shlex.quote(i[m.end():]) if i[m.end():] else "") if (m := home.match(i))
                    else shlex.quote(i) for i in items)
