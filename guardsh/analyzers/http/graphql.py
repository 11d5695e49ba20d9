"""GraphQL documents: mutations whose fields destroy, and what they act on."""

from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import SplitResult, parse_qsl

from ...model import DYN, Effect
from .request import CACHE_WORDS, DESTRUCTIVE_VERBS, GRAPHQL_DYN, MUTATION_WORD, Request, json_or_text, show


def classify_graphql(document: str, where: str = "") -> list[Effect]:
    """A GraphQL document sent by a CLI rather than an HTTP client
    (`railway api 'mutation {...}'`, `gh api graphql -f query=...`)."""
    effects = []
    for name, field_target, text in _mutation_fields(document, {}):
        if name is None:
            effects.append(Effect("http.graphql-unparseable", where or None, text))
        else:
            effects.append(Effect("http.graphql-destructive", field_target or name, f"mutation {text}"))
    return effects



def graphql_findings(request: Request, parts: SplitResult, endpoint: bool) -> list[tuple]:
    """(field, target, call) per destructive mutation field, (None, None, why) for GraphQL
    meant for the server that cannot be understood."""
    documents: list[tuple[str, object, bool]] = []  # (text, variables, meant as GraphQL)
    url_fields = dict(parse_qsl(parts.query))
    if "query" in url_fields:
        documents.append((url_fields["query"], url_fields.get("variables"), endpoint))
    body = request.body
    if body is not None and body.replace(DYN, "").strip():
        parsed = json_or_text(body)
        if "graphql" in (request.content_type or ""):
            documents.append((body, None, True))
        elif isinstance(parsed, (dict, list)):
            for operation in parsed if isinstance(parsed, list) else [parsed]:
                if isinstance(operation, dict) and isinstance(query := operation.get("query"), str):
                    # a search API's {"query": "$TERM"} is no GraphQL; `mutation`, `{` are
                    meant = endpoint or "{" in query or bool(MUTATION_WORD.search(query))
                    documents.append((query, operation.get("variables"), meant))
        elif body.lstrip()[:1] in ("{", "[") and (endpoint or '"query"' in body):
            # malformed JSON, or a bare document
            documents.append((body, None, endpoint or bool(MUTATION_WORD.search(body))))
        elif "query" in (fields := dict(parse_qsl(body))):
            documents.append((fields["query"], fields.get("variables"), endpoint))
        elif endpoint:
            documents.append((body, None, True))
    return [finding for text, variables, meant in documents
            for finding in _mutation_fields(text, json_or_text(variables or "{}"))
            if finding[0] is not None or meant]


def _mutation_fields(text: str, variables: object) -> list[tuple]:
    if DYN not in text and not MUTATION_WORD.search(text):
        return []  # only a `mutation` operation changes anything; spare the import
    from graphql import GraphQLError, OperationType, parse
    from graphql.language import FieldNode, FragmentDefinitionNode, FragmentSpreadNode

    try:
        document = parse(text.replace(DYN, GRAPHQL_DYN), no_location=True)
    except (GraphQLError, RecursionError) as error:
        return [(None, None, "GraphQL built at run time" if DYN in text
                 else f"unparseable GraphQL ({getattr(error, 'message', 'too deep')})")]
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}

    def fields(selection_set, seen: frozenset) -> Iterator:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    yield from fields(fragments[name].selection_set, seen | {name})
            else:  # an inline fragment
                yield from fields(selection.selection_set, seen)

    findings = []
    for definition in document.definitions:
        if getattr(definition, "operation", None) != OperationType.MUTATION:
            continue
        for node in fields(definition.selection_set, frozenset()):
            if GRAPHQL_DYN in node.name.value:
                findings.append((None, None, "GraphQL mutation field built at run time"))
            elif destructive_name(node.name.value) or (
                    replacing_name(node.name.value) and _empties(node, variables)):
                findings.append((node.name.value, _graphql_target(node, variables),
                                 _graphql_call(node)))
    return findings


# Mutations whose name holds a destructive verb but lose no data: (verb, object word) -> why.
# The verb is matched as a word of the field's name, the object as any other word of it.
HARMLESS = {
    ("reset", "password"): "starts a password reset (an email or a new password); no data is lost",
    ("reset", "passwords"): "starts password resets; no data is lost",
    ("reset", "mfa"): "re-enrolls a second factor; no data is lost",
    ("reset", "otp"): "re-enrolls a one-time-password device; no data is lost",
    ("reset", "counter"): "a rate-limit or usage counter starts again",
    ("reset", "filters"): "interface state",
    ("remove", "reaction"): "takes back an emoji reaction",
    ("remove", "star"): "unstars a repository",
    ("remove", "label"): "takes a label off an issue; the label stays",
    ("remove", "labels"): "takes labels off an issue; the labels stay",
    ("remove", "assignees"): "unassigns people from an issue",
    ("remove", "reviewers"): "takes back a review request",
    ("delete", "reaction"): "takes back an emoji reaction",
    ("clear", "notifications"): "marks notifications read",
    ("clear", "selection"): "interface state",
    ("revoke", "token"): "a token is revoked, a new one can be made; no data is lost",
    ("revoke", "session"): "logs a session out",
    ("revoke", "sessions"): "logs sessions out",
}
# Verbs that replace what a field holds: destructive when given nothing (`members: []`).
REPLACING_VERBS = {"replace", "set", "overwrite", "sync", "upsert", "update", "put", "bulk", "assign", "save"}


def _words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]


def destructive_name(name: str) -> bool:
    words = _words(name)
    if len(words) == 1:  # `deletevolume`, `purgecache`: no case or _ boundaries to split on
        word = words[0]
        words = [v for v in DESTRUCTIVE_VERBS if word.startswith(v) or (
            word.endswith(v) and not word.startswith("un"))]
        words += [c for c in CACHE_WORDS if c in word]
        words += [rest for v in words if word.startswith(v) and (rest := word[len(v):])]
    verbs = DESTRUCTIVE_VERBS.intersection(words)
    if verbs == {"purge"} and CACHE_WORDS.intersection(words):
        return False  # a cache purge loses no data
    others = set(words) - verbs
    return any(not any((verb, other) in HARMLESS for other in others) for verb in verbs)


def replacing_name(name: str) -> bool:
    words = _words(name)
    return bool(words) and (words[0] in REPLACING_VERBS or words[-1] in REPLACING_VERBS)


def _empties(node, variables: object) -> bool:
    """An argument that is, or holds, an empty list or object: `members: []`,
    `input: {flags: []}`, `$vars` = {"flags": {}}: the collection is replaced with nothing."""
    variables = variables if isinstance(variables, dict) else {}

    def empty(value) -> bool:
        if value.kind == "list_value":
            return not value.values
        if value.kind == "object_value":
            return not value.fields or any(empty(f.value) for f in value.fields)
        if value.kind == "variable":
            found = variables.get(value.name.value)
            return found in ([], {}) or isinstance(found, dict) and any(v in ([], {}) for v in found.values())
        return False

    return any(empty(a.value) for a in node.arguments or ())


def _graphql_call(node) -> str:
    from graphql import print_ast

    arguments = ", ".join(f"{a.name.value}: {print_ast(a.value)}" for a in node.arguments or ())
    call = f"{node.name.value}({arguments})" if arguments else node.name.value
    return call.replace(GRAPHQL_DYN, "$?")[:200]


def _graphql_target(node, variables: object) -> str | None:
    """The id the field acts on: argument `id`, `<noun>Id`, `name`, another `...Id`, else
    the first; a `$var` is looked up in `variables`; input objects are searched too."""
    variables = variables if isinstance(variables, dict) else {}
    noun = re.sub("|".join(DESTRUCTIVE_VERBS), "", node.name.value, flags=re.I).strip("_")
    preferred = ["id", noun.lower() + "id", "name"]

    def rank(key: str) -> int:
        key = key.lower().replace("_", "")
        return preferred.index(key) if key in preferred else 3 if key.endswith("id") else 4

    def value(node) -> str | None:
        if node.kind == "variable":
            found = variables.get(node.name.value)
            return str(found) if isinstance(found, (str, int, float)) else None
        if node.kind == "object_value":
            return pick({f.name.value: f.value for f in node.fields})
        if node.kind == "list_value":
            return ", ".join(filter(None, map(value, node.values))) or None
        return str(getattr(node, "value", "")) or None

    def pick(arguments: dict) -> str | None:
        for key in sorted(arguments, key=rank):
            if found := value(arguments[key]):
                return show(found.replace(GRAPHQL_DYN, DYN))
        return None

    return pick({a.name.value: a.value for a in node.arguments or ()})


# Documented non-DELETE calls that destroy data: (method, path, what, whether a body can
# narrow it to a row-level delete). A delete sent as DELETE is already `http.delete`.
# Checked and left out: Fly Machines stop/suspend and Render suspend (reversible), Stripe
# and Heroku (their deletions use DELETE), Cloudflare purge_cache (a cache refills).
