"""httpie's and xh's command line (request items) -> the requests they send."""

from __future__ import annotations

import json
import re
from urllib.parse import quote_plus

from ...model import DYN
from .request import ReadFile, Request, add_query, getopt, json_or_text


_HTTPIE_VALUE = set("""auth auth-type session session-read-only output print history-print
verify cert cert-key cert-key-pass proxy pretty style format-options response-charset
response-mime timeout max-redirects max-headers ssl ciphers default-scheme boundary raw
bearer http-version resolve interface unix-socket generate""".split())
_HTTPIE_FLAGS = set("""form multipart ignore-stdin https offline curl curl-long help version
manual""".split())
_HTTPIE_SHORT = {"a": "auth", "A": "auth-type", "o": "output", "p": "print", "s": "style",
                 "P": "history-print", "f": "form", "I": "ignore-stdin"}
_HTTPIE_NO_REQUEST = {"offline", "curl", "curl-long", "help", "version", "manual", "generate"}
_ITEM_SEPARATORS = (":=@", "=@", "==", ":=", "=", "@", ":", ";")  # longest first


def parse_httpie(program: str, args: list[str], read_file: ReadFile,
                  stdin_text: str | None) -> list[Request]:
    request = Request(scheme="https" if program in ("https", "xhs") else "http")
    positionals: list[str] = []
    options: dict[str, str | None] = {}
    for name, value in getopt(args, _HTTPIE_VALUE, _HTTPIE_SHORT, _HTTPIE_FLAGS):
        if name is None:
            positionals.append(value)
        elif name in _HTTPIE_NO_REQUEST:
            return []
        else:
            options[name] = value
            if name in ("auth", "bearer", "session"):
                request.credentials.append((f"--{name}", value))
    if "https" in options:
        request.scheme = "https"
    request.scheme = options.get("default-scheme") or request.scheme
    # `http [METHOD] URL [ITEM...]`: a letters-only first word before more words is a method
    if len(positionals) >= 2 and re.fullmatch(r"[A-Za-z]+|\x00+", positionals[0]):
        request.method, request.method_how = positionals[0], f"{program} {positionals[0]}"
        positionals = positionals[1:]
    if not positionals:
        return []
    url, items = positionals[0], positionals[1:]
    if url[:1] == ":":  # `:3000/api` is localhost
        url = "localhost" + (url if url[1:2].isdigit() else url[1:])

    data: dict[str, object] = {}
    query: list[str] = []
    raw = options.get("raw")
    form = "form" in options or "multipart" in options
    for item in items:
        key, separator, value = _split_item(item)
        if separator in (":", ";"):
            request.headers.append((key, value))
        elif separator == "==":
            query.append(f"{key}={quote_plus(value, safe=DYN)}")
        elif separator in ("=", ":="):
            data[key] = json_or_text(value) if separator == ":=" else value
        elif separator == "@" and key:  # a multipart file upload
            form, request.upload = True, True
            data[key] = read_file(value) or DYN
        elif separator:  # `=@file`, `:=@file`, and a bare `@file` body
            text = read_file(value)
            request.unseen += [item] if text is None else []
            text = DYN if text is None else text
            if key:
                data[key] = json_or_text(text) if separator == ":=@" else text
            else:
                raw = text
    request.urls.append(add_query(url, "&".join(query)))
    if raw is not None:
        request.body = raw
    elif data and form:
        request.body = "&".join(f"{k}={quote_plus(str(v), safe=DYN)}" for k, v in data.items())
        request.content_type = "application/x-www-form-urlencoded"
    elif data:
        request.body, request.content_type = json.dumps(data), "application/json"
    elif "ignore-stdin" not in options and stdin_text:  # "" is no stdin at all
        request.body = stdin_text
    elif "ignore-stdin" not in options and stdin_text is None and "graphql" in url.lower():
        # `cat q.json | http .../graphql`: with no items, a GraphQL call reads stdin
        request.body = DYN
        request.unseen.append("stdin")
    if request.body is not None:
        request.default_method = "POST"
    return [request]


def _split_item(item: str) -> tuple[str, str, str]:
    """`key=value`, `key:=json`, `key==q`, `Header:value`...: the leftmost separator wins."""
    i = 0
    while i < len(item):
        if item[i] == "\\":
            i += 2
            continue
        for separator in _ITEM_SEPARATORS:
            if item.startswith(separator, i):
                return re.sub(r"\\(.)", r"\1", item[:i]), separator, item[i + len(separator):]
        i += 1
    return item, "", ""
