"""Wildcard and regular-expression matching without paying for `re` and
`fnmatch` (~4 ms of imports) on the commands that never need them."""

from __future__ import annotations

_WILDCARDS = "*?["
_SHAPES: dict[str, tuple[str, str]] = {}  # pattern -> (how to match, what with)


def glob_match(text: str, pattern: str) -> bool:
    """fnmatch's case-sensitive match, with the common shapes done by hand."""
    shape = _SHAPES.get(pattern)
    if shape is None:
        shape = _SHAPES[pattern] = _shape(pattern)
    how, what = shape
    if how == "equal":
        return text == what
    if how == "prefix":
        return text.startswith(what)
    if how == "suffix":
        return text.endswith(what)
    import fnmatch

    return fnmatch.fnmatchcase(text, pattern)


def _shape(pattern: str) -> tuple[str, str]:
    if not any(c in pattern for c in _WILDCARDS):
        return "equal", pattern
    if pattern.endswith("*") and not any(c in pattern[:-1] for c in _WILDCARDS):
        return "prefix", pattern[:-1]
    if pattern.startswith("*") and not any(c in pattern[1:] for c in _WILDCARDS):
        return "suffix", pattern[1:]
    return "fnmatch", pattern


def regex_search(pattern: str, text: str) -> bool:
    import re

    return re.search(pattern, text) is not None
