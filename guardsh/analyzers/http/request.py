"""An HTTP request as the client would send it, and what the client readers share:
their getopt, headers, URLs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable, Iterator
from urllib.parse import SplitResult, urlsplit, urlunsplit

from ...model import DYN


ReadFile = Callable[[str], "str | None"]


MUTATING = {"POST", "PUT", "PATCH", "DELETE", "?"}  # "?": only known at run time
OVERRIDE_HEADERS = {"x-http-method-override", "x-http-method", "x-method-override"}
CRED_HEADER = re.compile(
    r"authorization|cookie|token|api-?key|apikey|secret|password|^x-auth|session", re.I)
CRED_PARAM = re.compile(r"token|key|secret|passw|signature|^sig$|^auth|credential", re.I)
DESTRUCTIVE_VERBS = {"delete", "destroy", "drop", "remove", "purge", "wipe", "erase",
                      "truncate", "terminate", "revoke", "reset", "clear", "empty", "nuke", "obliterate"}
CACHE_WORDS = {"cache", "caches", "cdn"}
MUTATION_WORD = re.compile(r"\bmutation\b", re.I)
GRAPHQL_DYN = "guardshRuntimeValue"  # stands for DYN inside GraphQL text
_URL_DYN = "\ue000"  # urlsplit strips a leading DYN (a C0 control character)


@dataclass
class Request:
    urls: list[str] = field(default_factory=list)
    method: str | None = None  # set explicitly (-X, --method, `http DELETE`)
    method_how: str = ""  # the option that set it, for the detail
    default_method: str = "GET"  # what the client picks when not told
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str | None = None  # as sent; DYN marks parts only known at run time
    content_type: str | None = None
    unseen: list[str] = field(default_factory=list)  # body sources guardsh cannot read
    upload: bool = False  # the body is file content, not instructions
    credentials: list[tuple[str, str]] = field(default_factory=list)  # (where, value)
    scheme: str = "http"



def getopt(args: list[str], values: set[str], short: dict[str, str],
            flags: set[str] = frozenset()) -> Iterator[tuple[str | None, str | None]]:
    """Walk argv as getopt_long does: (option, value) for options, value None for flags
    (`-sSfL`, `-XDELETE`, `--opt=v`, `--opt v`); (None, operand) for the rest. A long
    option may be an unambiguous prefix (getopt, argparse and curl < 8.3 accept one)."""
    i, options_over = 0, False
    while i < len(args):
        arg, i = args[i], i + 1
        if options_over or not arg.startswith("-") or arg == "-":
            yield None, arg
        elif arg == "--":
            options_over = True
        elif arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            if name not in values and name not in flags:
                known = [n for n in (*values, *flags) if n.startswith(name)]
                name = known[0] if len(known) == 1 else name
            if name in values and not eq:
                if i == len(args):
                    continue
                value, i = args[i], i + 1
            yield name, value if name in values else None
        else:
            for j, letter in enumerate(arg[1:], start=1):
                name = short.get(letter, letter)
                if name not in values:
                    yield name, None
                    continue
                value = arg[j + 1:]
                if not value:
                    if i == len(args):
                        break
                    value, i = args[i], i + 1
                yield name, value
                break



def split_header(header: str) -> tuple[str, str]:
    name, colon, value = header.partition(":")
    return (name if colon else name.rstrip(";")).strip(), value.strip()  # `X-Empty;`


def header(request: Request, name: str) -> str | None:
    values = [v for n, v in request.headers if n.lower() == name and v]
    return values[-1].lower() if values else None


def add_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}" if query else url


def json_or_text(text: object) -> object:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text, strict=False)  # strict=False: DYN may sit inside strings
    except (ValueError, RecursionError):
        return text


def split_url(url: str) -> SplitResult:
    try:
        parts = urlsplit(url.replace(DYN, _URL_DYN))
    except ValueError:  # a malformed [IPv6] host: keep the text as the path
        parts = SplitResult("", "", url.replace(DYN, _URL_DYN), "", "")
    return SplitResult(*(part.replace(_URL_DYN, DYN) for part in parts))


def display_url(parts: SplitResult) -> str:
    netloc = parts.netloc.rpartition("@")[2]
    query = "&".join(p for p in parts.query.split("&")
                     if p and not CRED_PARAM.search(p.partition("=")[0]))
    return show(urlunsplit((parts.scheme, netloc, parts.path, query, "")))


def show(text: str) -> str:
    return text.replace(DYN, "$?")
