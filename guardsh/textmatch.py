"""Wildcard and regular-expression matching without paying for `re` and
`fnmatch` (~4 ms of imports) on the commands that never need them."""

from __future__ import annotations

_WILDCARDS = "*?["


def glob_match(text: str, pattern: str) -> bool:
    """fnmatch's case-sensitive match, with the common shapes done by hand."""
    if not any(c in pattern for c in _WILDCARDS):
        return text == pattern
    if pattern.endswith("*") and not any(c in pattern[:-1] for c in _WILDCARDS):
        return text.startswith(pattern[:-1])
    if pattern.startswith("*") and not any(c in pattern[1:] for c in _WILDCARDS):
        return text.endswith(pattern[1:])
    import fnmatch

    return fnmatch.fnmatchcase(text, pattern)


def regex_search(pattern: str, text: str) -> bool:
    import re

    return re.search(pattern, text) is not None
