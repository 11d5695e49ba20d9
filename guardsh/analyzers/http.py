"""What an HTTP client invocation (curl, wget, httpie, xh) will ask a server to do.

`classify_http(program, args, read_file, stdin_text)` parses the client's options the
way the client does, rebuilds each request (method, URLs, headers, body) and reports:

- `http.delete`: the method is DELETE, however spelled (`-X delete`, `-XDELETE`,
  `--method=DELETE`, `http DELETE`) or requested through an override
  (`X-HTTP-Method-Override` / `X-HTTP-Method` / `X-Method-Override` headers, `_method=DELETE`
  in the query, a form body or a JSON body). target: the URL without userinfo or
  credential query parameters.
- `http.graphql-destructive`: a GraphQL mutation selects a field whose name deletes,
  destroys, drops, removes, purges, wipes, erases, truncates, terminates, revokes or resets
  (`volumeDelete`, `delete_user`, `deploymentRemove`, `bucketCredentialsReset`). One effect
  per field. target: the id it acts on (literal argument or resolved variable), else the
  field name. Not flagged: cache purges (`purgeCache`: a cache refills, no data is lost)
  and cancels (`deploymentCancel`: stops a process or a billing relation, loses no data).
- `http.graphql-unparseable`: the body is meant as GraphQL (path contains `graphql`, a JSON
  `query` string, `application/graphql`) but cannot be understood: malformed JSON, a
  document graphql-core rejects that mentions `mutation`, or a document built at run time
  (DYN) whose structure or mutation fields are unknown. target: the URL.
- `http.body-unreadable`: a POST/PUT/PATCH/DELETE whose body guardsh cannot see (`-d @f`
  with f unreadable, `@-` with unknown stdin, a body that is entirely DYN, an unreadable
  `-K` config) sent to a GraphQL endpoint, or sent with credentials as JSON/form data.
  File uploads (`-T`, `-F f=@file`, binary content types) are content, not instructions,
  and are not flagged. target: the URL.
- `http.unknown-method`: the method (or a method-override header) is only known at run
  time (`-X "$METHOD"`), or may be set by a `-K` config file that cannot be read.
- `http.destructive-endpoint`: a non-DELETE call to an endpoint documented as destroying
  data (see `_DESTRUCTIVE_ENDPOINTS`, S3 `POST ?delete`, Google-style `POST ...:destroy`).

Every effect's detail ends with where the request's credential comes from, when it has
one: `credential: Authorization header (variable or command output)` / `(literal)` /
`(file ~/.netrc)`. Requests that are never sent (`--help`, `--offline`, `xh --curl`) give
no effects. GET/HEAD downloads, GraphQL queries and creating mutations give none either.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit, urlunsplit

from guardsh.model import DYN, Effect

ReadFile = Callable[[str], "str | None"]

_MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
_OVERRIDE_HEADERS = {"x-http-method-override", "x-http-method", "x-method-override"}
_CRED_HEADER = re.compile(
    r"authorization|cookie|token|api-?key|apikey|secret|password|^x-auth|session", re.I)
_CRED_PARAM = re.compile(r"token|key|secret|passw|signature|^sig$|^auth|credential", re.I)
_DESTRUCTIVE_VERBS = {"delete", "destroy", "drop", "remove", "purge", "wipe", "erase",
                      "truncate", "terminate", "revoke", "reset"}
_CACHE_WORDS = {"cache", "caches", "cdn"}
_MUTATION_WORD = re.compile(r"\bmutation\b", re.I)
_PLACEHOLDER = "guardshRuntimeValue"  # stands for DYN inside GraphQL text


@dataclass
class _Request:
    urls: list[str] = field(default_factory=list)
    method: str | None = None  # set explicitly (-X, --method, `http DELETE`)
    method_how: str = ""  # the option that set it, for the detail
    default_method: str = "GET"  # what the client picks when not told
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str | None = None  # as sent; DYN marks parts only known at run time
    content_type: str | None = None
    unseen: list[str] = field(default_factory=list)  # body parts guardsh cannot read
    upload: bool = False  # the body is file content, not instructions
    credentials: list[tuple[str, str]] = field(default_factory=list)  # (where, value)
    scheme: str = "http"


def classify_http(program: str, args: list[str], read_file: ReadFile,
                  stdin_text: str | None) -> list[Effect]:
    name = program.rsplit("/", 1)[-1]
    if name == "curl":
        requests = _CurlParser(read_file, stdin_text).parse(args)
    elif name == "wget":
        requests = _parse_wget(args, read_file)
    elif name in ("http", "https", "xh", "xhs"):
        requests = _parse_httpie(name, args, read_file, stdin_text)
    else:
        return []
    effects: list[Effect] = []
    for request in requests:
        for url in request.urls:
            for effect in _url_effects(request, url):
                if effect not in effects:
                    effects.append(effect)
    return effects


# ---------------------------------------------------------------- curl
# Every curl long option that takes a value (curl's src/tool_getparam.c, 8.x); the
# rest are flags. Knowing them all is what keeps `-o out -X DELETE` from misreading.
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
_CURL_FLAGS = set("""alpn anyauth append basic buffer ca-native cert-status clobber compressed
compressed-ssh create-dirs crlf digest disable disable-eprt disable-epsv
disallow-username-in-url doh-cert-status doh-insecure dump-ca-embed eprt epsv fail fail-early
fail-with-body false-start follow form-escape ftp-create-dirs ftp-pasv ftp-pret
ftp-skip-pasv-ip ftp-ssl ftp-ssl-ccc ftp-ssl-control ftp-ssl-reqd get globoff
haproxy-protocol head help http0.9 http1.0 http1.1 http2 http2-prior-knowledge http3
http3-only ignore-content-length include insecure ipv4 ipv6 junk-session-cookies keepalive
list-only location location-trusted mail-rcpt-allowfails manual metalink mptcp negotiate
netrc netrc-optional next npn ntlm ntlm-wb out-null parallel parallel-immediate path-as-is
post301 post302 post303 progress-bar progress-meter proxy-anyauth proxy-basic
proxy-ca-native proxy-digest proxy-http2 proxy-insecure proxy-negotiate proxy-ntlm
proxy-ssl-allow-beast proxy-ssl-auto-client-cert proxy-tlsv1 proxytunnel raw
remote-header-name remote-name remote-name-all remote-time remove-on-error
retry-all-errors retry-connrefused sasl-ir sessionid show-error show-headers silent
skip-existing socks5-basic socks5-gssapi socks5-gssapi-nec ssl ssl-allow-beast
ssl-auto-client-cert ssl-no-revoke ssl-reqd ssl-revoke-best-effort sslv2 sslv3
styled-output suppress-connect-headers tcp-fastopen tcp-nodelay tftp-no-options
tls-earlydata tlsv1 tlsv1.0 tlsv1.1 tlsv1.2 tlsv1.3 tr-encoding trace-ids trace-time
use-ascii verbose version xattr""".split())
_CURL_SHORT = dict(zip(
    "EKCbcdDFPHmoxUQreXYytzTuAwaNqfGgI046jklLMn:ZpJORSisv123BV#h",
    "cert config continue-at cookie cookie-jar data dump-header form ftp-port header max-time "
    "output proxy proxy-user quote range referer request speed-limit speed-time telnet-option "
    "time-cond upload-file user user-agent write-out append buffer disable fail get globoff "
    "head http1.0 ipv4 ipv6 junk-session-cookies insecure list-only location manual netrc "
    "next parallel proxytunnel remote-header-name remote-name remote-time show-error "
    "show-headers silent verbose tlsv1 sslv2 sslv3 use-ascii version progress-bar help"
    .split()))


@dataclass
class _CurlOperation:
    """The options between two `--next`: curl sends each URL with them."""

    request: _Request = field(default_factory=_Request)
    data: list[str] = field(default_factory=list)
    json: bool = False
    get: bool = False
    head: bool = False
    upload_file: str | None = None
    form: list[tuple[str, str]] = field(default_factory=list)
    url_query: list[str] = field(default_factory=list)


class _CurlParser:
    def __init__(self, read_file: ReadFile, stdin_text: str | None):
        self.read_file, self.stdin_text = read_file, stdin_text
        self.done: list[_CurlOperation] = []
        self.op = _CurlOperation()
        self.variables: dict[str, str] = {}
        self.sends_nothing = False  # --help, --version, --manual
        self.config_depth = 0

    def parse(self, args: list[str]) -> list[_Request]:
        i, options_over = 0, False
        while i < len(args):
            arg = args[i]
            if options_over or not arg.startswith("-") or arg == "-":
                self.op.request.urls.append(arg)
            elif arg == "--":
                options_over = True
            elif self.option(arg, args[i + 1] if i + 1 < len(args) else None):
                i += 1
            i += 1
        self.done.append(self.op)
        return [] if self.sends_nothing else [self._build(op) for op in self.done]

    def option(self, flag: str, nextarg: str | None) -> bool:
        """Apply one option; True when it consumed `nextarg` as its value."""
        if flag.startswith("--"):
            name, eq, inline = flag[2:].partition("=")  # `--request=DELETE`: not curl, but clear
            expand = name.startswith("expand-")
            name = _curl_long_name(name.removeprefix("expand-"))
            if name not in _CURL_VALUE:
                self._flag(name)
                return False
            value = inline if eq else nextarg
            if value is not None:
                self._value(name, self._expand(value) if expand else value)
            return not eq and nextarg is not None
        for j, letter in enumerate(flag[1:], start=1):
            name = _CURL_SHORT.get(letter)
            if name in _CURL_VALUE:
                if flag[j + 1:]:  # -XDELETE, -H@file
                    self._value(name, flag[j + 1:])
                    return False
                if nextarg is not None:
                    self._value(name, nextarg)
                return nextarg is not None
            self._flag(name)
        return False

    def _flag(self, name: str | None) -> None:
        op = self.op
        if name in ("help", "version", "manual"):
            self.sends_nothing = True
        elif name == "get":
            op.get = True
        elif name == "head":
            op.head = True
        elif name in ("netrc", "netrc-optional"):
            op.request.credentials.append(("netrc", "file ~/.netrc"))
        elif name == "next":
            self.done.append(op)
            self.op = _CurlOperation()

    def _value(self, name: str, value: str) -> None:
        op, request = self.op, self.op.request
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
            op.upload_file = value
        elif name == "header":
            if value.startswith("@"):
                lines = (self._file(value[1:]) or "").splitlines()
                request.headers += [_split_header(line) for line in lines if line.strip()]
            else:
                request.headers.append(_split_header(value))
        elif name in ("user", "oauth2-bearer", "cookie", "cert", "aws-sigv4"):
            file_cookie = name == "cookie" and "=" not in value
            request.credentials.append((f"--{name}", f"file {value}" if file_cookie else value))
        elif name == "netrc-file":
            request.credentials.append(("netrc", f"file {value}"))
        elif name == "url":
            request.urls.append(value)
        elif name == "url-query":
            op.url_query.append(value[1:] if value.startswith("+") else self._urlencode(value))
        elif name == "config":
            self._config(value)
        elif name == "variable":
            self._define(value)

    def _file(self, path: str) -> str | None:
        return self.stdin_text if path == "-" else self.read_file(path)

    def _data(self, value: str, strip_newlines: bool) -> str:
        if not value.startswith("@"):
            return value
        text = self._file(value[1:])
        if text is None:
            self.op.request.unseen.append(value)
            return DYN
        return text.replace("\r", "").replace("\n", "") if strip_newlines else text

    def _urlencode(self, value: str) -> str:
        # curl: `content`, `=content`, `name=content`, `@file`, `name@file`
        key, eq, content = value.partition("=")
        if not eq:
            key, at, path = value.partition("@")
            content = self._data("@" + path, strip_newlines=False) if at else value
            key = key if at else ""
        encoded = DYN.join(quote_plus(part, safe="") for part in content.split(DYN))
        return f"{key}={encoded}" if key else encoded

    def _form(self, content: str) -> str:
        if content.startswith("@"):  # a file upload: content, not instructions
            self.op.request.upload = True
            return self._file(content[1:].split(";")[0]) or DYN
        if content.startswith("<"):
            return self._data("@" + content[1:].split(";")[0], strip_newlines=False)
        return content

    def _config(self, path: str) -> None:
        text = self._file(path)
        if text is None:
            self.op.request.unseen.append(f"-K {path}")
            self.op.request.method = self.op.request.method or DYN
            self.op.request.method_how = self.op.request.method_how or f"-K {path} (unreadable)"
            return
        if self.config_depth > 4:
            return
        self.config_depth += 1
        for line in text.splitlines():
            option, param = _curl_config_line(line)
            if option:
                self.option(option if option.startswith("-") else "--" + option, param)
        self.config_depth -= 1

    def _define(self, spec: str) -> None:
        if spec.startswith("%"):  # imported from the environment
            self.variables[spec[1:].split("=")[0]] = DYN
        elif match := re.match(r"(\w+)([=@])(.*)", spec, re.S):
            name, how, content = match.groups()
            self.variables[name] = content if how == "=" else (self._file(content) or DYN)

    def _expand(self, text: str) -> str:
        def expand(match: re.Match) -> str:
            value = self.variables.get(match[1], "")
            for function in filter(None, match[2].split(":")):
                if function == "trim":
                    value = value.strip()
                elif function == "json":
                    value = json.dumps(value)[1:-1].replace("\\u0000", DYN)
                elif function == "url":
                    value = DYN.join(quote(part, safe="") for part in value.split(DYN))
                elif function == "b64" and DYN not in value:
                    value = base64.b64encode(value.encode()).decode()
                else:
                    value = DYN
            return value

        return re.sub(r"\{\{(\w+)((?::\w+)*)\}\}", expand, text)

    @staticmethod
    def _build(op: _CurlOperation) -> _Request:
        request = op.request
        body = ("" if op.json else "&").join(op.data) if op.data else None
        if op.url_query:
            request.urls = [_add_query(url, "&".join(op.url_query)) for url in request.urls]
        if op.get and body is not None:
            request.urls = [_add_query(url, body) for url in request.urls]
        elif body is not None:
            request.default_method, request.body = "POST", body
            request.content_type = "application/json" if op.json else (
                "application/x-www-form-urlencoded")
        elif op.form:
            request.default_method, request.content_type = "POST", "multipart/form-data"
            request.body = "&".join(f"{k}={quote_plus(v, safe=DYN)}" for k, v in op.form)
        elif op.upload_file is not None:
            request.default_method, request.upload = "PUT", True
        elif op.head:
            request.default_method = "HEAD"
        request.content_type = _header(request, "content-type") or request.content_type
        return request


def _curl_long_name(name: str) -> str | None:
    if name in _CURL_VALUE or name in _CURL_FLAGS:
        return name
    if name.startswith("no-") and name[3:] in _CURL_FLAGS:
        return None
    # curl before 8.3 accepted any unambiguous prefix (`--data-b`)
    matches = [known for known in (*_CURL_VALUE, *_CURL_FLAGS) if known.startswith(name)]
    return matches[0] if len(matches) == 1 else None


def _curl_config_line(line: str) -> tuple[str | None, str | None]:
    """`option = "value"`, `option value`, `-X DELETE` (curl's tool_parsecfg.c)."""
    line = line.strip()
    if not line or line.startswith("#"):
        return None, None
    dashed = line.startswith("-")
    match = re.match(r"\S+" if dashed else r"[^\s=:]+", line)
    option, rest = match[0], line[match.end():]
    rest = rest.lstrip() if dashed else rest.lstrip(" \t=:")
    if not rest:
        return option, None
    if not rest.startswith('"'):
        return option, rest.split()[0]
    value, i = [], 1
    while i < len(rest) and rest[i] != '"':
        if rest[i] == "\\" and i + 1 < len(rest):
            i += 1
            value.append({"t": "\t", "n": "\n", "r": "\r", "v": "\v"}.get(rest[i], rest[i]))
        else:
            value.append(rest[i])
        i += 1
    return option, "".join(value)


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
            if text is None:
                request.unseen.append(f"--{name}={value}")
        elif name == "header":
            request.headers.append(_split_header(value))
        elif name in ("user", "password", "http-user", "http-password", "load-cookies"):
            request.credentials.append((f"--{name}", value))
        elif name in ("execute", "config"):  # wgetrc commands: `method = DELETE`
            lines = [value] if name == "execute" else (read_file(value) or "").splitlines()
            for line in lines:
                key, eq, setting = line.partition("=")
                key = key.strip().lower().replace("_", "").replace("-", "")
                long = next((n for n in _WGET_VALUE if n.replace("-", "") == key), None)
                if eq and long and long not in ("execute", "config"):
                    apply(long, setting.strip())
        if name.startswith("post-"):
            request.default_method = "POST"

    i, options_over = 0, False
    while i < len(args):
        arg, nextarg = args[i], args[i + 1] if i + 1 < len(args) else None
        i += 1
        if options_over or not arg.startswith("-") or arg == "-":
            request.urls.append(arg)
        elif arg == "--":
            options_over = True
        elif arg.startswith("--"):
            name, eq, inline = arg[2:].partition("=")
            matches = [n for n in _WGET_VALUE if n.startswith(name)]  # getopt: prefixes
            name = name if name in _WGET_VALUE else (matches[0] if len(matches) == 1 else "")
            if name and (eq or nextarg is not None):
                apply(name, inline if eq else nextarg)
                i += 0 if eq else 1
        else:
            for j, letter in enumerate(arg[1:], start=1):
                if letter in _WGET_SHORT:
                    value = arg[j + 1:] or nextarg
                    if value is not None:
                        apply(_WGET_SHORT[letter], value)
                        i += 0 if arg[j + 1:] else 1
                    break
    if request.body is not None and "POST" == request.default_method:
        request.content_type = "application/x-www-form-urlencoded"
    request.content_type = _header(request, "content-type") or request.content_type
    return [request]


# ---------------------------------------------------------------- httpie / xh
_HTTPIE_VALUE = set("""-a --auth -A --auth-type --session --session-read-only -o --output
-p --print -P --history-print --verify --cert --cert-key --cert-key-pass --proxy --pretty
-s --style --format-options --response-charset --response-mime --timeout --max-redirects
--max-headers --ssl --ciphers --default-scheme --boundary --raw --bearer --http-version
--resolve --interface --unix-socket --generate""".split())
_HTTPIE_NO_REQUEST = {"--offline", "--curl", "--curl-long", "--help", "--version",
                      "--manual", "--generate"}
_ITEM_SEPARATORS = (":=@", "=@", "==", ":=", "=", "@", ":", ";")  # longest first


def _parse_httpie(program: str, args: list[str], read_file: ReadFile,
                  stdin_text: str | None) -> list[_Request]:
    request = _Request(scheme="https" if program in ("https", "xhs") else "http")
    positionals: list[str] = []
    form = ignore_stdin = False
    raw: str | None = None
    i, options_over = 0, False
    while i < len(args):
        arg, nextarg = args[i], args[i + 1] if i + 1 < len(args) else None
        i += 1
        if options_over or not arg.startswith("-") or arg == "-":
            positionals.append(arg)
            continue
        if arg == "--":
            options_over = True
            continue
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            flags = {name}
        else:  # short options, maybe bundled: -fv, -auser:pass, -va user:pass
            name, eq, value, flags = "", "", "", set()
            for j, letter in enumerate(arg[1:], start=1):
                if "-" + letter in _HTTPIE_VALUE:
                    name, value = "-" + letter, arg[j + 1:]
                    break
                flags.add(letter)
        if name in _HTTPIE_NO_REQUEST:
            return []
        form = form or bool(flags & {"f", "--form", "--multipart"})
        ignore_stdin = ignore_stdin or bool(flags & {"I", "--ignore-stdin"})
        if "--https" in flags:
            request.scheme = "https"
        if name not in _HTTPIE_VALUE:
            continue
        if not eq and not value:
            value, i = nextarg or "", i + 1
        if name in ("-a", "--auth", "--bearer", "--session"):
            request.credentials.append((name, value))
        elif name == "--raw":
            raw = value
        elif name == "--default-scheme":
            request.scheme = value

    if len(positionals) >= 2 and re.fullmatch(r"[A-Za-z]+|\x00+", positionals[0]):
        request.method = positionals[0].upper()
        request.method_how = f"{program} {positionals[0]}"
        positionals = positionals[1:]
    if not positionals:
        return []
    url, items = positionals[0], positionals[1:]
    if url.startswith(":"):  # `:3000/api` is localhost
        url = "localhost" + (url if url[1:2].isdigit() else url[1:])
    request.urls.append(url)

    data: dict[str, object] = {}
    query: list[str] = []
    for item in items:
        key, separator, value = _split_item(item)
        if separator in (":", ";"):
            request.headers.append((key, value))
        elif separator == "==":
            query.append(f"{key}={quote_plus(value, safe=DYN)}")
        elif separator in ("=@", ":=@") or (separator == "@" and not key):
            text = read_file(value)
            if text is None:
                request.unseen.append(item)
            text = DYN if text is None else text
            if not key:
                raw = text
            else:
                data[key] = _json_or_text(text) if separator == ":=@" else text
        elif separator == "@":  # a multipart file upload
            form, request.upload = True, True
            data[key] = read_file(value) or DYN
        elif separator in ("=", ":="):
            data[key] = _json_or_text(value) if separator == ":=" else value
    if query:
        request.urls = [_add_query(url, "&".join(query))]
    if raw is not None:
        request.body = raw
    elif data and form:
        request.body = "&".join(f"{k}={quote_plus(str(v), safe=DYN)}" for k, v in data.items())
        request.content_type = "application/x-www-form-urlencoded"
    elif data:
        request.body, request.content_type = json.dumps(data), "application/json"
    elif not ignore_stdin and stdin_text is not None:
        request.body = stdin_text
    elif not ignore_stdin and "graphql" in url.lower():
        # `cat q.json | http POST .../graphql`: a GraphQL call with no items reads stdin
        request.body = DYN
        request.unseen.append("stdin")
    if request.body is not None:
        request.default_method = "POST"
    request.content_type = _header(request, "content-type") or request.content_type
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
                key = re.sub(r"\\(.)", r"\1", item[:i])
                return key, separator, item[i + len(separator):]
        i += 1
    return item, "", ""


# ---------------------------------------------------------------- effects
def _url_effects(request: _Request, url: str) -> list[Effect]:
    if "://" not in url and not url.startswith(DYN):
        url = f"{request.scheme}://{url}"
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed [IPv6] host: keep the whole text as the path
        parts = urlsplit("").__class__("", "", url, "", "")
    target = _display_url(parts)
    credentials = _credentials(request, parts)
    note = "; credential: " + ", ".join(credentials) if credentials else ""
    graphql_endpoint = "graphql" in parts.path.lower() or "graphql" in (
        request.content_type or "").lower()
    effects: list[Effect] = []

    methods = [(request.method or request.default_method, request.method_how)]
    methods += _method_overrides(request, parts)
    for method, how in methods:
        if DYN in method:
            effects.append(Effect("http.unknown-method", target,
                                  f"method only known at run time ({_show(how)}) {target}" + note))
        elif method.strip().upper() == "DELETE":
            effects.append(Effect("http.delete", target, f"{_show(how)} {target}" + note))

    for field_name, field_target, text in _graphql_findings(request, parts, graphql_endpoint):
        if field_name is None:
            effects.append(Effect("http.graphql-unparseable", target, f"{text} at {target}" + note))
        else:
            effects.append(Effect("http.graphql-destructive", field_target or field_name,
                                  f"mutation {text} at {target}" + note))

    sent = {(method.strip().upper() if DYN not in method else "?") for method, _ in methods}
    for what in _destructive_endpoints(sent, parts, request):
        effects.append(Effect("http.destructive-endpoint", target, f"{what}: {target}" + note))

    body = request.body
    unseen = list(request.unseen) or (["body built at run time"] if body is not None and not
                                      body.replace(DYN, "").strip() else [])
    instructions = not request.upload and re.search(
        r"json|form-urlencoded|graphql|xml", request.content_type or "json", re.I)
    if unseen and sent & (_MUTATING | {"?"}) and (
            graphql_endpoint or (credentials and instructions)):
        effects.append(Effect("http.body-unreadable", target,
                              f"request body cannot be read ({_show(', '.join(unseen))}) "
                              f"for {target}" + note))
    return effects


def _method_overrides(request: _Request, parts) -> list[tuple[str, str]]:
    overrides = [(value, f"{name}: {value}") for name, value in request.headers
                 if name.lower() in _OVERRIDE_HEADERS]
    fields = parse_qsl(parts.query)
    body = _json_or_text(request.body) if request.body else None
    if isinstance(body, dict):
        fields += [(key, value) for key, value in body.items() if isinstance(value, str)]
    elif request.body and "form" in (request.content_type or ""):
        fields += parse_qsl(request.body)
    return overrides + [(value, f"_method={value}") for key, value in fields if key == "_method"]


def _credentials(request: _Request, parts) -> list[str]:
    found = [(f"{name} header", value) for name, value in request.headers
             if _CRED_HEADER.search(name) and value.strip()]
    found += request.credentials
    if "@" in parts.netloc:
        found.append(("user:password in URL", parts.netloc.rpartition("@")[0]))
    found += [(f"{key}= in URL", value) for key, value in parse_qsl(parts.query)
              if _CRED_PARAM.search(key)]
    described = []
    for where, value in found:
        origin = value if value.startswith("file ") else (
            "variable or command output" if DYN in value else "literal")
        described.append(f"{where} ({_show(origin)})")
    return described


def _graphql_findings(request: _Request, parts, endpoint: bool):
    """(field, target, text) per destructive mutation field; (None, None, why) when the
    GraphQL the request carries cannot be understood."""
    documents: list[tuple[str, object, bool]] = []  # (text, variables, meant as GraphQL)
    for key, value in parse_qsl(parts.query):
        if key == "query":
            documents.append((value, dict(parse_qsl(parts.query)).get("variables"), endpoint))
    body = request.body
    if body is not None and body.replace(DYN, "").strip():
        parsed = _json_or_text(body)
        if "graphql" in (request.content_type or "").lower():
            documents.append((body, None, True))
        elif isinstance(parsed, (dict, list)):
            for operation in parsed if isinstance(parsed, list) else [parsed]:
                if isinstance(operation, dict) and isinstance(operation.get("query"), str):
                    documents.append((operation["query"], operation.get("variables"), True))
        elif body.lstrip().startswith(("{", "[")) and (endpoint or '"query"' in body):
            documents.append((body, None, True))  # malformed JSON, or a bare document
        elif "query" in (fields := dict(parse_qsl(body))):
            documents.append((fields["query"], fields.get("variables"), endpoint))
        elif endpoint:
            documents.append((body, None, True))
    findings = []
    for text, variables, meant in documents:
        for finding in _mutation_fields(text, _json_or_text(variables or "{}")):
            if finding[0] is not None or meant:
                findings.append(finding)
    return findings


def _mutation_fields(text: str, variables: object) -> list[tuple]:
    if DYN not in text and not _MUTATION_WORD.search(text):
        return []  # only a `mutation` operation can change anything; skip the import
    from graphql import GraphQLError, OperationType, parse
    from graphql.language import FieldNode, FragmentDefinitionNode, FragmentSpreadNode

    try:
        document = parse(text.replace(DYN, _PLACEHOLDER), no_location=True)
    except GraphQLError as error:
        why = "GraphQL built at run time" if DYN in text else f"unparseable GraphQL ({error.message})"
        return [(None, None, why)]
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    variables = variables if isinstance(variables, dict) else {}

    def fields(selection_set, seen: frozenset):
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in seen:
                    yield from fields(fragments[name].selection_set, seen | {name})
            else:  # inline fragment
                yield from fields(selection.selection_set, seen)

    findings = []
    for definition in document.definitions:
        if getattr(definition, "operation", None) != OperationType.MUTATION:
            continue
        for node in fields(definition.selection_set, frozenset()):
            name = node.name.value
            if _PLACEHOLDER in name:
                findings.append((None, None, "GraphQL mutation field built at run time"))
            elif _destructive_name(name):
                call = _graphql_call(node)
                findings.append((name, _graphql_target(node, variables), call))
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
    return _show(call.replace(_PLACEHOLDER, DYN))[:200]


def _graphql_target(node, variables: dict) -> str | None:
    """The id the field acts on: `id`, `<noun>Id`, `name`, another `...Id`, or the first
    argument, looked up in `variables` when it is `$var`; inside input objects too."""
    noun = re.sub("|".join(_DESTRUCTIVE_VERBS), "", node.name.value, flags=re.I).strip("_")

    def rank(key: str) -> int:
        key = key.lower().replace("_", "")
        for i, wanted in enumerate(("id", noun.lower() + "id", "name")):
            if key == wanted:
                return i
        return 3 if key.endswith("id") else 4

    def value(node) -> str | None:
        kind = node.kind
        if kind == "variable":
            found = variables.get(node.name.value)
            return str(found) if isinstance(found, (str, int, float)) else None
        if kind == "object_value":
            return pick({f.name.value: f.value for f in node.fields})
        if kind == "list_value":
            return ", ".join(filter(None, map(value, node.values))) or None
        return str(getattr(node, "value", "")) or None

    def pick(arguments: dict) -> str | None:
        for key in sorted(arguments, key=rank):
            found = value(arguments[key])
            if found:
                return _show(found.replace(_PLACEHOLDER, DYN))
        return None

    return pick({a.name.value: a.value for a in node.arguments or ()})


# Documented non-DELETE calls that destroy data: (method, path pattern, what it does,
# whether the body limits it). Deletes sent as DELETE are already `http.delete`.
_DESTRUCTIVE_ENDPOINTS = [
    ("POST", re.compile(r"/_delete_by_query$"), "Elasticsearch/OpenSearch delete-by-query", True),
    ("POST", re.compile(r"^(/v[\d.]+)?/(volumes|containers)/prune$"), "Docker Engine prune",
     False),
    ("POST", re.compile(r"^/v1/[^/]+/destroy/"), "Vault KV v2 permanent destroy", False),
    ("POST", re.compile(r"^/v3(alpha|beta)?/kv/deleterange$"), "etcd delete range", False),
]


def _destructive_endpoints(methods: set[str], parts, request: _Request) -> list[str]:
    found = []
    for method, pattern, what, body_limits in _DESTRUCTIVE_ENDPOINTS:
        if method in methods and pattern.search(parts.path):
            body, q = request.body or "", dict(parse_qsl(parts.query)).get("q", "*")
            limited = (body.replace(DYN, "").strip() and "match_all" not in body) or (
                q.strip() not in ("*", "*:*", DYN))
            if not (body_limits and limited and not request.unseen):
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
    if not colon and name.endswith(";"):  # `X-Empty;` sends an empty header
        name = name[:-1]
    return name.strip(), value.strip()


def _header(request: _Request, name: str) -> str | None:
    values = [v for n, v in request.headers if n.lower() == name and v]
    return values[-1] if values else None


def _add_query(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}" if query else url


def _json_or_text(text):
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text, strict=False)  # strict=False: DYN may sit inside strings
    except ValueError:
        return text


def _display_url(parts) -> str:
    netloc = parts.netloc.rpartition("@")[2]
    query = "&".join(p for p in parts.query.split("&")
                     if p and not _CRED_PARAM.search(p.partition("=")[0]))
    return _show(urlunsplit((parts.scheme, netloc, parts.path, query, "")))


def _show(text: str) -> str:
    return text.replace(DYN, "$?")
