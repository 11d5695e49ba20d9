"""The one writer's pieces: visible(), the whole-command display and its marks."""

from __future__ import annotations

from guardsh.engine import judge
from guardsh.outcome.messages import marked_spans, one_line, show_command, visible


def test_visible_shows_what_a_terminal_would_obey_or_hide():
    assert visible("a\x1b[8mb\x9b\u202e\u200b\ufe0f\u2800c\n") == "a\\x1b[8mb\\x9b<U+202E><U+200B><U+FE0F><U+2800>c\n"
    assert visible("é 日本 ok") == "é 日本 ok"


def test_an_excerpt_does_not_blank_out_controls_python_counts_as_spaces():
    assert one_line("a\x85b\rc\x1cd   e\n f") == "a\x85b\rc\x1cd e f"


def test_a_command_is_never_cut_and_is_marked_where_the_rule_matched(ruleset):
    command = "echo " + "x" * 500 + " && rm -rf data"
    verdict = judge(command, ruleset)
    assert marked_spans(command, verdict) == [(len(command) - len("rm -rf data"), len(command))]
    shown = show_command(command, marked_spans(command, verdict), width=60, indent=4)
    rows = shown.split("\n")
    text = rows[0] + "".join(r[4:] for r in rows[1:] if not set(r.strip()) <= {"^"})
    assert text == command and max(map(len, rows)) < 60
    assert rows[-1].strip() == "^" * len("rm -rf data")


def test_a_mark_over_the_whole_command_is_left_out(ruleset):
    verdict = judge("rm -rf data", ruleset)
    assert show_command("rm -rf data", marked_spans("rm -rf data", verdict)) == "rm -rf data"


def test_marks_from_a_stored_request_cannot_reach_outside_the_command():
    assert show_command("abc", [(-5, 2), (1, 99)]) == "abc"  # all marked: left out, and nothing added
    assert show_command("ab cd", [(3, 99)]) == "ab cd\n       ^^"
