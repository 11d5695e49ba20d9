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

import json
import re
from dataclasses import dataclass, field
from typing import Callable, Iterator
from urllib.parse import SplitResult, parse_qsl, quote, quote_plus, urlsplit, urlunsplit

from guardsh.model import DYN, Effect

ReadFile = Callable[[str], "str | None"]

_MUTATING = {"POST", "PUT", "PATCH", "DELETE", "?"}  # "?": only known at run time
_OVERRIDE_HEADERS = {"x-http-method-override", "x-http-method", "x-method-override"}
_CRED_HEADER = re.compile(
    r"authorization|cookie|token|api-?key|apikey|secret|password|^x-auth|session", re.I)
_CRED_PARAM = re.compile(r"token|key|secret|passw|signature|^sig$|^auth|credential", re.I)
_DESTRUCTIVE_VERBS = {"delete", "destroy", "drop", "remove", "purge", "wipe", "erase",
                      "truncate", "terminate", "revoke", "reset"}
_CACHE_WORDS = {"cache", "caches", "cdn"}
_MUTATION_WORD = re.compile(r"\bmutation\b", re.I)
_GRAPHQL_DYN = "guardshRuntimeValue"  # stands for DYN inside GraphQL text
_URL_DYN = "\ue000"  # urlsplit strips a leading DYN (a C0 control character)


@dataclass
class _Request:
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


def classify_http(program: str, args: list[str], read_file: ReadFile,
                  stdin_text: str | None) -> list[Effect]:
    name = program.rsplit("/", 1)[-1]
    if name == "curl":
        requests = _Curl(read_file, stdin_text).parse(args)
    elif name == "wget":
        requests = _parse_wget(args, read_file)
    elif name in ("http", "https", "xh", "xhs"):
        requests = _parse_httpie(name, args, read_file, stdin_text)
    else:
        return []
    effects: list[Effect] = []
    for request in requests:
        request.content_type = _header(request, "content-type") or request.content_type
        for url in request.urls:
            effects += [e for e in _url_effects(request, url) if e not in effects]
    return effects


def _getopt(args: list[str], values: set[str], short: dict[str, str],
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


# ---------------------------------------------------------------- curl
# Every curl option that takes a value (src/tool_getparam.c, curl 8.x): knowing them all
# is what stops `-w '-X DELETE'` or `-o -XDELETE` from being misread.
_CURL_VALUE = set("""abstract-unix-socket alt-svc aws-sigv4 cacert capath cert cert-type
ciphers config connect-timeout connect-to continue-at cookie cookie-jar create-file-mode
crlfile curves data data-ascii data-binary data-raw data-urlencode delegation dns-interface
dns-ipv4-addr dns-ipv6-addr dns-servers doh-url dump-header ech egd-file engine etag-compare
etag-save expect100-timeout form form-string ftp-account ftp-alternative-to-user ftp-method
ftp-port ftp-ssl-ccc-mode happy-eyeballs-timeout-ms haproxy-clientip header hostpubmd5
hostpubsha256 hsts interface ip-tos ipfs-gateway json keepalive-cnt keepalive-time key
key-type knownhosts krb krb4 libcurl limit-rate local-port login-options mail-auth mail-from
mail-rcpt max-filesize max-redirs max-time netrc-file noproxy oauth2-bearer output output-dir
parallel-max parallel-max-host pass pinnedpubkey preproxy proto proto-default proto-redir
proxy proxy-cacert proxy-capath proxy-cert proxy-cert-type proxy-ciphers proxy-crlfile
proxy-header proxy-key proxy-key-type proxy-pass proxy-pinnedpubkey proxy-service-name
proxy-tls13-ciphers proxy-tlsauthtype proxy-tlspassword proxy-tlsuser proxy-user proxy1.0
pubkey quote random-file range rate referer request request-target resolve retry
retry-delay retry-max-time sasl-authzid service-name sigalgs socks4 socks4a socks5
socks5-gssapi-service socks5-hostname speed-limit speed-time ssl-sessions stderr
telnet-option tftp-blksize time-cond tls-max tls13-ciphers tlsauthtype tlspassword tlsuser
trace trace-ascii trace-config unix-socket upload-file upload-flags url url-query user
user-agent variable vlan-priority write-out""".split())
# curl 8.3: `--expand-data '{{v}}'`; the variables' values are not tracked: DYN
_CURL_VALUE |= {"expand-" + name for name in _CURL_VALUE}
# The flags acted on, and those that are a prefix of a value option (`--head`/`--header`).
_CURL_FLAGS = set("""get head help manual version next netrc netrc-optional ssl parallel
keepalive socks5-gssapi ftp-ssl ftp-ssl-ccc""".split())
_CURL_SHORT = dict(zip("EKCbcdDFPHmoxUQreXYytzTuAwGIhMVn:", """cert config continue-at cookie
cookie-jar data dump-header form ftp-port header max-time output proxy proxy-user quote range
referer request speed-limit speed-time telnet-option time-cond upload-file user user-agent
write-out get head help manual version netrc next""".split()))


@dataclass
class _CurlOperation:
    """The options between two `--next`; curl sends each of its URLs with them."""

    request: _Request = field(default_factory=_Request)
    data: list[str] = field(default_factory=list)
    json: bool = False
    get: bool = False
    head: bool = False
    upload_file: bool = False
    form: list[tuple[str, str]] = field(default_factory=list)
    url_query: list[str] = field(default_factory=list)


class _Curl:
    def __init__(self, read_file: ReadFile, stdin_text: str | None):
        self.read_file, self.stdin_text = read_file, stdin_text
        self.operations = [_CurlOperation()]
        self.sends_nothing = False  # --help, --version, --manual
        self.config_depth = 0

    def parse(self, args: list[str]) -> list[_Request]:
        self._apply_all(args, operands_are_urls=True)
        return [] if self.sends_nothing else [_curl_request(op) for op in self.operations]

    def _apply_all(self, args: list[str], operands_are_urls: bool) -> None:
        for name, value in _getopt(args, _CURL_VALUE, _CURL_SHORT, _CURL_FLAGS):
            if name is None:
                if operands_are_urls:  # a config line's stray word is ignored by curl
                    self.operations[-1].request.urls.append(value)
            elif value is None:
                self._flag(name)
            elif name.startswith("expand-"):  # `{{var}}` expands to --variable's value
                self._option(name.removeprefix("expand-"), re.sub(r"\{\{.*?\}\}", DYN, value))
            else:
                self._option(name, value)

    def _flag(self, name: str) -> None:
        op = self.operations[-1]
        if name in ("help", "version", "manual"):
            self.sends_nothing = True
        elif name in ("get", "head"):
            setattr(op, name, True)
        elif name in ("netrc", "netrc-optional"):
            op.request.credentials.append(("netrc", "file ~/.netrc"))
        elif name == "next":
            self.operations.append(_CurlOperation())

    def _option(self, name: str, value: str) -> None:
        op = self.operations[-1]
        request = op.request
        if name == "request":
            request.method, request.method_how = value, f"-X {value}"
        elif name in ("data", "data-ascii", "data-binary", "json"):
            op.data.append(self._data(value, strip_newlines=name in ("data", "data-ascii")))
            op.json = op.json or name == "json"
        elif name == "data-raw":
            op.data.append(value)
        elif name == "data-urlencode":
            op.data.append(self._urlencode(value))
        elif name in ("form", "form-string"):
            key, _, content = value.partition("=")
            op.form.append((key, content if name == "form-string" else self._form(content)))
        elif name == "upload-file":
            op.upload_file = True
        elif name == "header":
            lines = (self._file(value[1:]) or "").splitlines() if value[:1] == "@" else [value]
            request.headers += [_split_header(line) for line in lines if line.strip()]
        elif name in ("user", "oauth2-bearer", "cookie", "cert", "aws-sigv4", "netrc-file"):
            from_file = name == "netrc-file" or (name == "cookie" and "=" not in value)
            request.credentials.append((f"--{name}", f"file {value}" if from_file else value))
        elif name == "url":
            request.urls.append(value)
        elif name == "url-query":
            op.url_query.append(value[1:] if value[:1] == "+" else self._urlencode(value))
        elif name == "config":
            self._config(value)

    def _file(self, path: str) -> str | None:
        return self.stdin_text if path == "-" else self.read_file(path)

    def _data(self, value: str, strip_newlines: bool) -> str:
        """`-d @file` sends the file (without newlines); unreadable parts become DYN."""
        if value[:1] != "@":
            return value
        text = self._file(value[1:])
        if text is None:
            self.operations[-1].request.unseen.append(value)
            return DYN
        return re.sub("[\r\n]", "", text) if strip_newlines else text

    def _urlencode(self, value: str) -> str:
        # `content`, `=content`, `name=content`, `@file`, `name@file`
        key, eq, content = value.partition("=")
        if not eq:
            key, at, path = value.partition("@")
            key, content = (key, self._data("@" + path, False)) if at else ("", value)
        encoded = DYN.join(quote_plus(part, safe="") for part in content.split(DYN))
        return f"{key}={encoded}" if key else encoded

    def _form(self, content: str) -> str:
        if content[:1] == "@":  # a file upload: content, not instructions
            self.operations[-1].request.upload = True
            return self._file(content[1:].split(";")[0]) or DYN
        if content[:1] == "<":  # a field's value read from a file
            return self._data("@" + content[1:].split(";")[0], strip_newlines=False)
        return content

    def _config(self, path: str) -> None:
        text = self._file(path)
        request = self.operations[-1].request
        if text is None:  # it may set anything: the method, the body, the URL
            request.unseen.append(f"-K {path}")
            request.urls = request.urls or [DYN]
            request.method = request.method or DYN
            request.method_how = request.method_how or f"-K {path}, unreadable"
            return
        self.config_depth += 1
        for line in text.splitlines() if self.config_depth < 5 else []:
            option, param = _curl_config_line(line)
            if option:
                option = option if option[:1] == "-" else "--" + option
                self._apply_all([option] + ([param] if param is not None else []), False)
        self.config_depth -= 1


def _curl_request(op: _CurlOperation) -> _Request:
    request = op.request
    body = ("" if op.json else "&").join(op.data) if op.data else None  # --json: no `&`
    queries = op.url_query + ([body] if op.get and body is not None else [])
    request.urls = [_add_query(url, "&".join(queries)) for url in request.urls]
    if body is not None and not op.get:
        request.default_method, request.body = "POST", body
        request.content_type = ("application/json" if op.json
                                else "application/x-www-form-urlencoded")
    elif op.form:
        request.default_method, request.content_type = "POST", "multipart/form-data"
        request.body = "&".join(f"{k}={quote_plus(v, safe=DYN)}" for k, v in op.form)
    elif op.upload_file:
        request.default_method, request.upload = "PUT", True
    elif op.head:
        request.default_method = "HEAD"
    return request


def _curl_config_line(line: str) -> tuple[str | None, str | None]:
    """`option = "value"`, `option value`, `-X DELETE` (curl's tool_parsecfg.c)."""
    line = line.strip()
    if not line or line[0] == "#":
        return None, None
    dashed = line[0] == "-"
    match = re.match(r"\S+" if dashed else r"[^\s=:]+", line)
    if not match:
        return None, None
    rest = line[match.end():].lstrip(" \t" if dashed else " \t=:")
    if not rest or rest[0] != '"':
        return match[0], rest.split()[0] if rest else None
    escapes = {"t": "\t", "n": "\n", "r": "\r", "v": "\v"}
    quoted = re.match(r'"((?:\\.|[^"\\])*)', rest)[1]
    return match[0], re.sub(r"\\(.)", lambda m: escapes.get(m[1], m[1]), quoted)


# ---------------------------------------------------------------- wget
_WGET_VALUE = set("""execute output-file append-output input-file base config tries
output-document timeout wait quota directory-prefix user-agent level accept reject domains
include-directories exclude-directories report-speed rejected-log retry-on-http-error
start-pos progress dns-timeout connect-timeout read-timeout waitretry bind-address
bind-dns-address dns-servers limit-rate restrict-file-names prefer-family user password
use-askpass local-encoding remote-encoding cut-dirs http-user http-password default-page
header compression proxy-user proxy-password referer load-cookies save-cookies post-data
post-file method body-data body-file secure-protocol certificate certificate-type
private-key private-key-type ca-certificate ca-directory crl-file pinnedpubkey ciphers
ftp-user ftp-password warc-file warc-header warc-max-size warc-dedup warc-tempdir backups
accept-regex reject-regex regex-type exclude-domains follow-tags ignore-tags hsts-file
random-file egd-file""".split())
_WGET_SHORT = dict(zip("eoaiBtOTwQPUlARDIX", """execute output-file append-output
input-file base tries output-document timeout wait quota directory-prefix user-agent level
accept reject domains include-directories exclude-directories""".split()))


def _parse_wget(args: list[str], read_file: ReadFile) -> list[_Request]:
    request = _Request()

    def apply(name: str, value: str) -> None:
        if name == "method":
            request.method, request.method_how = value, f"--method={value}"
        elif name in ("body-data", "post-data"):
            request.body = value
        elif name in ("body-file", "post-file"):
            text = read_file(value)
            request.body = DYN if text is None else text
            request.unseen += [f"--{name}={value}"] if text is None else []
        elif name == "header":
            request.headers.append(_split_header(value))
        elif name in ("user", "password", "http-user", "http-password", "load-cookies"):
            request.credentials.append((f"--{name}", value))
        elif name in ("execute", "config"):  # wgetrc commands: `method = DELETE`
            for line in [value] if name == "execute" else (read_file(value) or "").splitlines():
                key, eq, setting = line.partition("=")
                key = re.sub("[-_ ]", "", key.lower())
                long = next((n for n in _WGET_VALUE if n.replace("-", "") == key), None)
                if eq and long not in (None, "execute", "config"):
                    apply(long, setting.strip())
        if name.startswith("post-"):
            request.default_method = "POST"
            request.content_type = "application/x-www-form-urlencoded"

    for name, value in _getopt(args, _WGET_VALUE, _WGET_SHORT):
        if name is None:
            request.urls.append(value)
        elif value is not None:
            apply(name, value)
    return [request]


# ---------------------------------------------------------------- httpie / xh
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


def _parse_httpie(program: str, args: list[str], read_file: ReadFile,
                  stdin_text: str | None) -> list[_Request]:
    request = _Request(scheme="https" if program in ("https", "xhs") else "http")
    positionals: list[str] = []
    options: dict[str, str | None] = {}
    for name, value in _getopt(args, _HTTPIE_VALUE, _HTTPIE_SHORT, _HTTPIE_FLAGS):
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
            data[key] = _json_or_text(value) if separator == ":=" else value
        elif separator == "@" and key:  # a multipart file upload
            form, request.upload = True, True
            data[key] = read_file(value) or DYN
        elif separator:  # `=@file`, `:=@file`, and a bare `@file` body
            text = read_file(value)
            request.unseen += [item] if text is None else []
            text = DYN if text is None else text
            if key:
                data[key] = _json_or_text(text) if separator == ":=@" else text
            else:
                raw = text
    request.urls.append(_add_query(url, "&".join(query)))
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


# ---------------------------------------------------------------- effects
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


def _url_effects(request: _Request, url: str) -> list[Effect]:
    if "://" not in url and url[:1] != DYN:
        url = f"{request.scheme}://{url}"
    parts = _split_url(url)
    target = _display_url(parts)
    credentials = _credentials(request, parts)
    note = "; credential: " + ", ".join(credentials) if credentials else ""
    endpoint = "graphql" in parts.path.lower() or "graphql" in (request.content_type or "")
    effects: list[Effect] = []

    methods = [(request.method or request.default_method, request.method_how)]
    methods += _method_overrides(request, parts)
    for method, how in methods:
        if DYN in method:
            effects.append(Effect("http.unknown-method", target,
                                  f"method only known at run time ({_show(how)}) {target}{note}"))
        elif method.strip().upper() == "DELETE" and "http.delete" not in [e.kind for e in effects]:
            effects.append(Effect("http.delete", target, f"{_show(how)} {target}{note}"))

    for name, field_target, text in _graphql_findings(request, parts, endpoint):
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
    if unseen and sent & _MUTATING and (endpoint or (credentials and instructions)):
        effects.append(Effect("http.body-unreadable", target,
                              f"request body cannot be read ({_show(', '.join(unseen))}) "
                              f"for {target}{note}"))
    return effects


def _method_overrides(request: _Request, parts: SplitResult) -> list[tuple[str, str]]:
    overrides = [(value, f"{name}: {value}") for name, value in request.headers
                 if name.lower() in _OVERRIDE_HEADERS]
    fields = parse_qsl(parts.query)
    body = _json_or_text(request.body) if request.body else None
    if isinstance(body, dict):
        fields += [(key, value) for key, value in body.items() if isinstance(value, str)]
    elif request.body and "form" in (request.content_type or ""):
        fields += parse_qsl(request.body)
    return overrides + [(value, f"_method={value}") for key, value in fields if key == "_method"]


def _credentials(request: _Request, parts: SplitResult) -> list[str]:
    found = [(f"{name} header", value) for name, value in request.headers
             if _CRED_HEADER.search(name) and value.strip()]
    found += request.credentials
    if "@" in parts.netloc:
        found.append(("user:password in URL", parts.netloc.rpartition("@")[0]))
    found += [(f"{key}= in URL", value) for key, value in parse_qsl(parts.query)
              if _CRED_PARAM.search(key)]
    origin = {True: "variable or command output", False: "literal"}
    return [_show(f"{where} ({value if value.startswith('file ') else origin[DYN in value]})")
            for where, value in found]


def _graphql_findings(request: _Request, parts: SplitResult, endpoint: bool) -> list[tuple]:
    """(field, target, call) per destructive mutation field, (None, None, why) for GraphQL
    meant for the server that cannot be understood."""
    documents: list[tuple[str, object, bool]] = []  # (text, variables, meant as GraphQL)
    url_fields = dict(parse_qsl(parts.query))
    if "query" in url_fields:
        documents.append((url_fields["query"], url_fields.get("variables"), endpoint))
    body = request.body
    if body is not None and body.replace(DYN, "").strip():
        parsed = _json_or_text(body)
        if "graphql" in (request.content_type or ""):
            documents.append((body, None, True))
        elif isinstance(parsed, (dict, list)):
            for operation in parsed if isinstance(parsed, list) else [parsed]:
                if isinstance(operation, dict) and isinstance(query := operation.get("query"), str):
                    # a search API's {"query": "$TERM"} is no GraphQL; `mutation`, `{` are
                    meant = endpoint or "{" in query or bool(_MUTATION_WORD.search(query))
                    documents.append((query, operation.get("variables"), meant))
        elif body.lstrip()[:1] in ("{", "[") and (endpoint or '"query"' in body):
            # malformed JSON, or a bare document
            documents.append((body, None, endpoint or bool(_MUTATION_WORD.search(body))))
        elif "query" in (fields := dict(parse_qsl(body))):
            documents.append((fields["query"], fields.get("variables"), endpoint))
        elif endpoint:
            documents.append((body, None, True))
    return [finding for text, variables, meant in documents
            for finding in _mutation_fields(text, _json_or_text(variables or "{}"))
            if finding[0] is not None or meant]


def _mutation_fields(text: str, variables: object) -> list[tuple]:
    if DYN not in text and not _MUTATION_WORD.search(text):
        return []  # only a `mutation` operation changes anything; spare the import
    from graphql import GraphQLError, OperationType, parse
    from graphql.language import FieldNode, FragmentDefinitionNode, FragmentSpreadNode

    try:
        document = parse(text.replace(DYN, _GRAPHQL_DYN), no_location=True)
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
            if _GRAPHQL_DYN in node.name.value:
                findings.append((None, None, "GraphQL mutation field built at run time"))
            elif _destructive_name(node.name.value):
                findings.append((node.name.value, _graphql_target(node, variables),
                                 _graphql_call(node)))
    return findings


def _destructive_name(name: str) -> bool:
    words = [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]
    if len(words) == 1:  # `deletevolume`, `purgecache`: no case or _ boundaries to split on
        word = words[0]
        words = [v for v in _DESTRUCTIVE_VERBS if word.startswith(v) or (
            word.endswith(v) and not word.startswith("un"))]
        words += [c for c in _CACHE_WORDS if c in word]
    verbs = _DESTRUCTIVE_VERBS.intersection(words)
    if verbs == {"purge"} and _CACHE_WORDS.intersection(words):
        return False  # a cache purge loses no data
    return bool(verbs)


def _graphql_call(node) -> str:
    from graphql import print_ast

    arguments = ", ".join(f"{a.name.value}: {print_ast(a.value)}" for a in node.arguments or ())
    call = f"{node.name.value}({arguments})" if arguments else node.name.value
    return call.replace(_GRAPHQL_DYN, "$?")[:200]


def _graphql_target(node, variables: object) -> str | None:
    """The id the field acts on: argument `id`, `<noun>Id`, `name`, another `...Id`, else
    the first; a `$var` is looked up in `variables`; input objects are searched too."""
    variables = variables if isinstance(variables, dict) else {}
    noun = re.sub("|".join(_DESTRUCTIVE_VERBS), "", node.name.value, flags=re.I).strip("_")
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
                return _show(found.replace(_GRAPHQL_DYN, DYN))
        return None

    return pick({a.name.value: a.value for a in node.arguments or ()})


# Documented non-DELETE calls that destroy data: (method, path, what, whether a body can
# narrow it to a row-level delete). A delete sent as DELETE is already `http.delete`.
# Checked and left out: Fly Machines stop/suspend and Render suspend (reversible), Stripe
# and Heroku (their deletions use DELETE), Cloudflare purge_cache (a cache refills).
_DESTRUCTIVE_ENDPOINTS = [
    ("POST", re.compile(r"/_delete_by_query$"), "Elasticsearch/OpenSearch delete-by-query", True),
    ("POST", re.compile(r"^(/v[\d.]+)?/(volumes|containers)/prune$"), "Docker Engine prune", False),
    ("POST", re.compile(r"^/v1/[^/]+/destroy/"), "Vault KV v2 permanent destroy", False),
    ("POST", re.compile(r"^/v3(alpha|beta)?/kv/deleterange$"), "etcd delete range", False),
]


def _destructive_endpoints(methods: set[str], parts: SplitResult, request: _Request) -> list[str]:
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
    if "POST" in methods and custom and _destructive_name(custom[1]):
        found.append(f"custom method :{custom[1]}")
    return found


# ---------------------------------------------------------------- helpers
def _split_header(header: str) -> tuple[str, str]:
    name, colon, value = header.partition(":")
    return (name if colon else name.rstrip(";")).strip(), value.strip()  # `X-Empty;`


def _header(request: _Request, name: str) -> str | None:
    values = [v for n, v in request.headers if n.lower() == name and v]
    return values[-1].lower() if values else None


def _add_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}" if query else url


def _json_or_text(text: object) -> object:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text, strict=False)  # strict=False: DYN may sit inside strings
    except (ValueError, RecursionError):
        return text


def _split_url(url: str) -> SplitResult:
    try:
        parts = urlsplit(url.replace(DYN, _URL_DYN))
    except ValueError:  # a malformed [IPv6] host: keep the text as the path
        parts = SplitResult("", "", url.replace(DYN, _URL_DYN), "", "")
    return SplitResult(*(part.replace(_URL_DYN, DYN) for part in parts))


def _display_url(parts: SplitResult) -> str:
    netloc = parts.netloc.rpartition("@")[2]
    query = "&".join(p for p in parts.query.split("&")
                     if p and not _CRED_PARAM.search(p.partition("=")[0]))
    return _show(urlunsplit((parts.scheme, netloc, parts.path, query, "")))


def _show(text: str) -> str:
    return text.replace(DYN, "$?")
