"""curl's command line (and its -K config files) -> the requests it sends."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from ...model import DYN
from .request import ReadFile, Request, add_query, getopt, split_header


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

    request: Request = field(default_factory=Request)
    data: list[str] = field(default_factory=list)
    json: bool = False
    get: bool = False
    head: bool = False
    upload_file: bool = False
    form: list[tuple[str, str]] = field(default_factory=list)
    url_query: list[str] = field(default_factory=list)


class Curl:
    def __init__(self, read_file: ReadFile, stdin_text: str | None):
        self.read_file, self.stdin_text = read_file, stdin_text
        self.operations = [_CurlOperation()]
        self.sends_nothing = False  # --help, --version, --manual
        self.config_depth = 0

    def parse(self, args: list[str]) -> list[Request]:
        self._apply_all(args, operands_are_urls=True)
        return [] if self.sends_nothing else [_curl_request(op) for op in self.operations]

    def _apply_all(self, args: list[str], operands_are_urls: bool) -> None:
        for name, value in getopt(args, _CURL_VALUE, _CURL_SHORT, _CURL_FLAGS):
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
            request.headers += [split_header(line) for line in lines if line.strip()]
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


def _curl_request(op: _CurlOperation) -> Request:
    request = op.request
    body = ("" if op.json else "&").join(op.data) if op.data else None  # --json: no `&`
    queries = op.url_query + ([body] if op.get and body is not None else [])
    request.urls = [add_query(url, "&".join(queries)) for url in request.urls]
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
