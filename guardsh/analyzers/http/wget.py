"""wget's command line -> the requests it sends."""

from __future__ import annotations

import re

from ...model import DYN
from .request import ReadFile, Request, getopt, split_header


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


def parse_wget(args: list[str], read_file: ReadFile) -> list[Request]:
    request = Request()

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
            request.headers.append(split_header(value))
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

    for name, value in getopt(args, _WGET_VALUE, _WGET_SHORT):
        if name is None:
            request.urls.append(value)
        elif value is not None:
            apply(name, value)
    return [request]
