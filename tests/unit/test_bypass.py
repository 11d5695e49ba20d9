"""The bypass table (tests/corpus/bypass.tsv): every trick that hides a
destructive command must still be caught (asked about, or kept first: a
`snapshot` keeps a copy before it runs), and every close benign look-alike must
still run without a prompt."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from guardsh.engine import judge

TABLE = Path(__file__).resolve().parents[1] / "corpus" / "bypass.tsv"
NEWLINE = "\u23ce"  # how the table writes a newline inside a one-line command


def _rows() -> list[tuple[int, list[str]]]:
    rows = []
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            rows.append((number, line.split("\t")))
    return rows


def _cases():
    for number, fields in _rows():
        if len(fields) != 3:
            continue  # reported by test_every_line_has_three_fields
        expected, command, note = fields
        slug = re.sub(r"[^a-z0-9]+", "-", note.lower()).strip("-")[:40]
        marks = [pytest.mark.xfail(strict=True, reason="known gap")] if expected == "todo" else []
        yield pytest.param("block" if expected == "todo" else expected, command.replace(NEWLINE, "\n"),
                           id=f"L{number}-{slug}", marks=marks)


@pytest.mark.parametrize("expected,command", list(_cases()))
def test_bypass_table_line(expected, command, ruleset, project):
    verdict = judge(command, ruleset, cwd=str(project))
    assert verdict.decision in {"allow", "snapshot", "confirm", "deny"}
    blocked = verdict.decision in {"snapshot", "confirm", "deny"}
    assert blocked == (expected == "block"), (
        f"expected {expected}, got {verdict.decision} for {command!r}: {verdict.as_json()['matches']}")


def test_every_line_has_three_fields_and_a_known_label():
    bad = [(n, f) for n, f in _rows() if len(f) != 3 or f[0] not in {"block", "allow", "todo"} or not f[1]]
    assert not bad, f"malformed lines (number, fields): {bad}"


def test_no_command_appears_twice():
    seen: dict[str, int] = {}
    duplicates = []
    for number, fields in _rows():
        command = fields[1] if len(fields) > 1 else ""
        if command in seen:
            duplicates.append((seen[command], number, command))
        seen.setdefault(command, number)
    assert not duplicates, f"duplicate commands (first line, repeat line, command): {duplicates}"
