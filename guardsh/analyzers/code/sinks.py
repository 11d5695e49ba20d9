"""What a library call found in code amounts to, shared by every language's reader:
the code readers find *that* a sink is called and with which values; this module says
what that does, with the same effect kinds the shell reading produces.

Every function takes a `findings` object shaped like interp's `CodeFindings`
(`.add(kind, target, detail)`, `.command(line, detail)`, `.sql(text)`, `.effects`).

Effect kinds emitted here (besides the ones the shared classifiers return):
    code.sdk-delete     a cloud SDK / platform API call whose operation deletes, terminates,
                        purges, empties, drops, removes or destroys a resource
                        (DeleteBucketCommand, s3.delete_bucket, Remove-AzResourceGroup).
                        target: the operation, with the resource's name when it is literal.
    code.unknown-sink   a destructive-capable sink (a database driver's execute, an ORM
                        delete, a cloud call) reached with a value known only at run time:
                        guardsh cannot say what it will do, so it asks. target: the sink.
Reused kinds: HTTP requests are classified by the curl classifier (`http.delete`,
`http.graphql-destructive`, `http.unknown-method`, `http.body-unreadable`, ...); ORM mass
deletes are `sql.delete-all` / `sql.truncate` (what the ORM sends) or `mongo.delete-all`;
redis flushes are `redis.flush` (from the redis-cli classifier); deletions of files are
`code.delete-tree` / `code.delete-file`.
"""

from __future__ import annotations

import json
import re

from ...model import DYN, Effect

# The first word of an operation's name that makes it destructive. Checked on the name's
# words (DeleteBucketCommand -> delete; terminate_instances -> terminate), never a list of names.
DESTRUCTIVE_VERBS = frozenset(
    "delete terminate purge empty drop remove destroy wipe erase truncate deregister".split())
SQL_START = re.compile(r"\s*(?:SELECT|INSERT|UPDATE|DELETE|DROP|TRUNCATE|ALTER|CREATE|WITH|REPLACE|MERGE|"
                       r"GRANT|REVOKE|PRAGMA|VACUUM|ATTACH|DETACH|RENAME|COPY|EXEC|CALL|SET|BEGIN|COMMIT)\b",
                       re.I)
_GRAPHQL_DOCUMENT = re.compile(r"\s*(?:mutation\b|query\b|subscription\b|\{)")


def operation_words(name: str) -> list[str]:
    """`DeleteDBInstanceCommand` -> [delete, db, instance, command]; `purge_queue` -> [purge, queue]."""
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]


def destructive_operation(name: str) -> bool:
    words = operation_words(name)
    return bool(words) and words[0] in DESTRUCTIVE_VERBS


def known(text: str | None) -> str | None:
    return None if text is None or DYN in text else text


def show(text: str) -> str:
    return text.replace(DYN, "$?")


def to_json(value) -> str:
    """A body value as the JSON the client sends; DYN where a value is only known at run time.
    A wholly unknown value stays DYN (the curl classifier reads that as an unseen body)."""
    if value == DYN or value is None:
        return DYN
    if isinstance(value, str):
        return json.dumps(value).replace("\\u0000", DYN)
    return json.dumps(value, default=lambda _: DYN).replace("\\u0000", DYN)


def graphql_body(strings: list[str]) -> str | None:
    """A JSON body for a GraphQL document passed as a plain argument (R's list(query = ...),
    a hash literal the token reader could not read): `{"query": DOC}`."""
    for text in strings:
        if _GRAPHQL_DOCUMENT.match(text) and re.search(r"\bmutation\b", text):
            return json.dumps({"query": text}).replace("\\u0000", DYN)
    return None


def http_request(findings, method: str | None, url: str | None, body: str | None = None,
                 headers: dict | None = None, json_body: bool = False, detail: str = "") -> None:
    """An HTTP request made from code, classified exactly as curl's: the request is
    rebuilt as curl options and handed to the curl classifier."""
    from ..http.read import classify_http

    method = (method or ("POST" if body is not None else "GET")).upper() if method != DYN else DYN
    overrides = [n for n in headers or {} if "method" in str(n).lower()]  # X-HTTP-Method-Override
    if method in ("GET", "HEAD", "OPTIONS") and body is None and not overrides and not re.search(
            r"[?&](?:query|_method)=", url or ""):
        return  # what the curl classifier concludes for a plain read, without its cost (most calls in a file)
    args = ["-X", method]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    if json_body and not any(str(n).lower() == "content-type" for n in headers or {}):
        args += ["-H", "Content-Type: application/json"]
    if body is not None:
        args += ["--data-raw", body]
    args += ["--url", url or DYN]
    for effect in classify_http("curl", args, lambda _path: None, None):
        if detail and effect.detail:
            effect.detail = f"{effect.detail} (in code: {detail[:160]})"
        findings.effects.append(effect)


def sql(findings, text: str, sink: str, detail: str, driver: bool = True) -> None:
    """SQL reaching a driver. Text wholly unknown at a known driver: ask (unknown sink);
    partly known text starting as SQL goes to the SQL classifier with DYN inside."""
    if not text.replace(DYN, "").strip():
        if driver:
            findings.add("code.unknown-sink", sink, f"SQL built at run time: {detail}")
        return
    if SQL_START.match(text.replace(DYN, "")) or SQL_START.match(text):
        findings.sql(text)
    elif driver and text.lstrip().startswith(DYN):  # `prefix + " WHERE ..."`: statement unknown
        findings.add("code.unknown-sink", sink, f"SQL built at run time: {detail}")


def unknown_sink(findings, sink: str, detail: str) -> None:
    findings.add("code.unknown-sink", sink, f"called with values only known at run time: {detail}")


def delete_all(findings, model: str | None, detail: str, truncate: bool = False, mongo: bool = False) -> None:
    kind = "mongo.delete-all" if mongo else "sql.truncate" if truncate else "sql.delete-all"
    findings.effects.append(Effect(kind, known(model), detail[:200]))


def redis_command(findings, words: list[str], detail: str) -> None:
    from ..redis import classify_redis_cli

    for effect in classify_redis_cli(words):
        effect.detail = detail[:200]
        findings.effects.append(effect)


def sdk_delete(findings, operation: str, resource: str | None, detail: str) -> None:
    target = f"{operation} {show(resource)}" if resource else operation
    findings.add("code.sdk-delete", target, detail)


def delete_path(findings, path: str, recursive: bool, detail: str) -> None:
    findings.add("code.delete-tree" if recursive else "code.delete-file", path, detail)
