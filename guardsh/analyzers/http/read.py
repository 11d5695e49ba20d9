"""What an HTTP client invocation (curl, wget, httpie, xh) will ask a server to do.

`classify_http(program, args, read_file, stdin_text)` parses the client's options the way
the client does, rebuilds each request (method, URLs, headers, body) and reports:

- `http.delete`: the method is DELETE, however spelled (`-X delete`, `-XDELETE`,
  `--method=DELETE`, `http DELETE`) or requested through an override
  (`X-HTTP-Method-Override` / `X-HTTP-Method` / `X-Method-Override` headers, `_method=DELETE`
  in the query, a form body or a JSON body). target: the URL without userinfo or
  credential query parameters.
- `http.graphql-destructive`: a GraphQL mutation selects a field whose name deletes,
  destroys, drops, removes, purges, wipes, erases, truncates, terminates, revokes or resets
  (`volumeDelete`, `delete_user`, `deploymentRemove`, `bucketCredentialsReset`), one effect
  per field. target: the id it acts on (literal argument or resolved variable), else the
  field name. Not flagged: cache purges (`purgeServiceCache`: a cache refills, nothing is
  lost) and cancels (`deploymentCancel`: stops a process or a billing relation, no data).
- `http.graphql-unparseable`: the body is meant as GraphQL (path contains `graphql`, a
  JSON `query` string, `application/graphql`) but cannot be understood: malformed JSON, a
  document graphql-core rejects that mentions `mutation`, or a document built at run time
  (DYN) whose structure or mutation fields are unknown. target: the URL.
- `http.body-unreadable`: a POST/PUT/PATCH/DELETE whose body guardsh cannot see (`-d @f`
  with f unreadable, `@-` with unknown stdin, a body that is entirely DYN, an unreadable
  `-K` config) sent to a GraphQL endpoint, or sent with credentials as JSON/form/XML data.
  File uploads (`-T`, `-F f=@file`, binary content types) are content, not instructions,
  and are not flagged. target: the URL.
- `http.unknown-method`: the method (or a method-override header) is only known at run
  time (`-X "$METHOD"`), or may come from a `-K` config file that cannot be read.
- `http.destructive-endpoint`: a non-DELETE call to an endpoint documented as destroying
  data (`_DESTRUCTIVE_ENDPOINTS`, S3 `POST ?delete`, Google-style `POST .../x:destroy`).

Every effect's detail ends with where the request's credential comes from, when it has
one: `credential: Authorization header (variable or command output)`, `(literal)`,
`(file ~/.netrc)`. Requests never sent (`--help`, `--offline`, `xh --curl`) give nothing;
neither do GET/HEAD downloads, GraphQL queries or creating mutations.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl

from ...model import DYN, Effect
from .curl import Curl
from .graphql import destructive_name, graphql_findings
from .httpie import parse_httpie
from .request import (CRED_HEADER, CRED_PARAM, MUTATING, OVERRIDE_HEADERS, ReadFile, Request, display_url,
                      header, json_or_text, show, split_url)
from .wget import parse_wget


def classify_http(program: str, args: list[str], read_file: ReadFile,
                  stdin_text: str | None) -> list[Effect]:
    name = program.rsplit("/", 1)[-1]
    if name == "curl":
        requests = Curl(read_file, stdin_text).parse(args)
    elif name == "wget":
        requests = parse_wget(args, read_file)
    elif name in ("http", "https", "xh", "xhs"):
        requests = parse_httpie(name, args, read_file, stdin_text)
    else:
        return []
    effects: list[Effect] = []
    for request in requests:
        request.content_type = header(request, "content-type") or request.content_type
        for url in request.urls:
            effects += [e for e in _url_effects(request, url) if e not in effects]
    return effects



def _url_effects(request: Request, url: str) -> list[Effect]:
    if "://" not in url and url[:1] != DYN:
        url = f"{request.scheme}://{url}"
    parts = split_url(url)
    target = display_url(parts)
    credentials = _credentials(request, parts)
    note = "; credential: " + ", ".join(credentials) if credentials else ""
    endpoint = "graphql" in parts.path.lower() or "graphql" in (request.content_type or "")
    effects: list[Effect] = []

    methods = [(request.method or request.default_method, request.method_how)]
    methods += _method_overrides(request, parts)
    for method, how in methods:
        if DYN in method:
            effects.append(Effect("http.unknown-method", target,
                                  f"method only known at run time ({show(how)}) {target}{note}"))
        elif method.strip().upper() == "DELETE" and "http.delete" not in [e.kind for e in effects]:
            effects.append(Effect("http.delete", target, f"{show(how)} {target}{note}"))

    for name, field_target, text in graphql_findings(request, parts, endpoint):
        if name is None:
            effects.append(Effect("http.graphql-unparseable", target, f"{text} at {target}{note}"))
        else:
            effects.append(Effect("http.graphql-destructive", field_target or name,
                                  f"mutation {text} at {target}{note}"))

    sent = {"?" if DYN in method else method.strip().upper() for method, _ in methods}
    for what in _destructive_endpoints(sent, parts, request):
        effects.append(Effect("http.destructive-endpoint", target, f"{what}: {target}{note}"))

    body = request.body or ""
    unseen = request.unseen or (["built at run time"] if DYN in body
                                and not body.replace(DYN, "").strip() else [])
    instructions = not request.upload and re.search(
        r"json|form-urlencoded|graphql|xml", request.content_type or "json", re.I)
    if unseen and sent & MUTATING and (endpoint or (credentials and instructions)):
        effects.append(Effect("http.body-unreadable", target,
                              f"request body cannot be read ({show(', '.join(unseen))}) "
                              f"for {target}{note}"))
    return effects


def _method_overrides(request: Request, parts: SplitResult) -> list[tuple[str, str]]:
    overrides = [(value, f"{name}: {value}") for name, value in request.headers
                 if name.lower() in OVERRIDE_HEADERS]
    fields = parse_qsl(parts.query)
    body = json_or_text(request.body) if request.body else None
    if isinstance(body, dict):
        fields += [(key, value) for key, value in body.items() if isinstance(value, str)]
    elif request.body and "form" in (request.content_type or ""):
        fields += parse_qsl(request.body)
    return overrides + [(value, f"_method={value}") for key, value in fields if key == "_method"]


def _credentials(request: Request, parts: SplitResult) -> list[str]:
    found = [(f"{name} header", value) for name, value in request.headers
             if CRED_HEADER.search(name) and value.strip()]
    found += request.credentials
    if "@" in parts.netloc:
        found.append(("user:password in URL", parts.netloc.rpartition("@")[0]))
    found += [(f"{key}= in URL", value) for key, value in parse_qsl(parts.query)
              if CRED_PARAM.search(key)]
    origin = {True: "variable or command output", False: "literal"}
    return [show(f"{where} ({value if value.startswith('file ') else origin[DYN in value]})")
            for where, value in found]



_DESTRUCTIVE_ENDPOINTS = [
    ("POST", re.compile(r"/_delete_by_query$"), "Elasticsearch/OpenSearch delete-by-query", True),
    ("POST", re.compile(r"^(/v[\d.]+)?/(volumes|containers)/prune$"), "Docker Engine prune", False),
    ("POST", re.compile(r"^/v1/[^/]+/destroy/"), "Vault KV v2 permanent destroy", False),
    ("POST", re.compile(r"^/v3(alpha|beta)?/kv/deleterange$"), "etcd delete range", False),
]


def _destructive_endpoints(methods: set[str], parts: SplitResult, request: Request) -> list[str]:
    found = []
    body, q = request.body or "", dict(parse_qsl(parts.query)).get("q", "*")
    narrowed = not request.unseen and ((body.replace(DYN, "").strip() and "match_all" not in body)
                                       or q.strip() not in ("*", "*:*", DYN))
    for method, pattern, what, can_narrow in _DESTRUCTIVE_ENDPOINTS:
        if method in methods and pattern.search(parts.path) and not (can_narrow and narrowed):
            found.append(what)
    if "POST" in methods and ("delete", "") in parse_qsl(parts.query, keep_blank_values=True):
        found.append("S3 multi-object delete (POST ?delete)")
    custom = re.search(r":(\w+)$", parts.path)  # Google APIs' custom methods: `...:destroy`
    if "POST" in methods and custom and destructive_name(custom[1]):
        found.append(f"custom method :{custom[1]}")
    return found
