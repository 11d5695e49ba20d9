"""The agent's own command inside an agent's wrapper, for what a human reads.

Claude Code runs each command as `source SNAPSHOT ... && eval 'CMD' < /dev/null
&& pwd -P >| /tmp/claude-XXXX-cwd`; Codex as ~300 lines that save and restore
variables around `. SNAPSHOT` and end `exec SHELL -c 'CMD'`. A human asked to
approve should read CMD, whole, not a wrapper cut off before it. Recognised by
shape, not by either agent's text: a line whose top level (statements joined
by ; && || and newlines) holds exactly one `eval LITERAL` or `[exec] SHELL -c
LITERAL`, everything else being boilerplate. Whether the boilerplate really is
harmless is for the judge (engine.py) to check, by judging the line with the
command taken out."""

from __future__ import annotations

import os
import re

from . import treesitter
from .wrappers import SHELLS

_LIST_TYPES = ("list", "program")


def agent_command(text: str) -> tuple[str, str, str] | None:
    """(the command, the line with it replaced by a no-op, the line with it
    elided) when `text` is a wrapper around one literal command; else None."""
    try:
        tree, source, error = treesitter.parse(text)
    except Exception:  # noqa: BLE001 - a display nicety: never in the way
        return None
    if error is not None:
        return None
    found = []
    for node in _top_level(tree.root_node):
        literal = _literal_command(node, source)
        if literal is not None:
            found.append(literal)
    if len(found) != 1:
        return None
    command, (start, end), (arg_start, arg_end) = found[0]
    if not command.strip():
        return None
    noop = (source[:start] + b":" + source[end:]).decode("utf-8", "surrogateescape")
    elided = (source[:arg_start] + b"'\xe2\x80\xa6'" + source[arg_end:]).decode("utf-8", "surrogateescape")
    return command, noop, elided


def _top_level(node):
    """Statements run unconditionally one after another: the program's and
    those joined by ; && || (each list's parts)."""
    for c in node.named_children:
        body = c.child_by_field_name("body") if c.type == "redirected_statement" else None
        if c.type in _LIST_TYPES:
            yield from _top_level(c)
        elif body is not None and body.type == "list":
            # tree-sitter-bash reads `a && b < f` as (a && b) < f; bash gives
            # the redirection to b alone. Either way a and b are top level.
            yield from _top_level(body)
        elif c.type not in ("comment", "file_redirect"):
            yield c


def _literal_command(node, source: bytes):
    """(value, span of the statement's command, span of the literal) for
    `eval 'X'` and `[exec] SHELL -c 'X'`, with redirections allowed."""
    if node.type == "redirected_statement":
        node = node.child_by_field_name("body")
        if node is None:
            return None
    if node.type != "command":
        return None
    words = [c for c in node.named_children if c.type not in ("file_redirect", "heredoc_redirect",
                                                              "herestring_redirect")]
    if any(c.type == "variable_assignment" for c in words):
        return None
    texts = [source[c.start_byte:c.end_byte].decode("utf-8", "surrogateescape") for c in words]
    if texts and texts[0] == "exec":
        texts, words = texts[1:], words[1:]
    if len(texts) == 2 and texts[0] == "eval":
        literal = _literal(texts[1])
    elif (len(texts) == 3 and texts[1] == "-c"
          and os.path.basename(_literal(texts[0]) or "") in SHELLS):
        literal = _literal(texts[2])
    else:
        return None
    if literal is None:
        return None
    return literal, (node.start_byte, node.end_byte), (words[-1].start_byte, words[-1].end_byte)


def _literal(word: str) -> str | None:
    """The value of a word that expands nothing ('...', "..." without $ or
    backquote, and their concatenations such as 'a'\\''b'); else None."""
    outside = re.sub(r"'[^']*'", "", word)
    if "$" in outside or "`" in outside:
        return None
    import shlex

    try:
        parts = shlex.split(word)
    except ValueError:
        return None
    return parts[0] if len(parts) == 1 else None
