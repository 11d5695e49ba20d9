"""Credentials: commands that read credential files or print tokens are
noted (the audit log keeps a warning), and a destructive request made on a
line that also read a credential file says so, because the incident's token
came from an unrelated file."""

from __future__ import annotations

import os

from ..model import DYN, Command, Effect
from ..targets import CREDENTIAL_DIRS, CREDENTIAL_FILES, NOT_CREDENTIALS
from ..textmatch import glob_match

READERS = {"cat", "less", "more", "head", "tail", "grep", "egrep", "rg", "ag", "awk", "sed", "jq", "yq", "source",
           ".", "cut", "strings", "xxd", "od", "base64", "cp", "scp", "rsync", "openssl", "sort", "bat", "nl",
           "tr", "tac", "python", "python3", "node", "curl", "wget", "http", "xh", "gpg", "sops", "diff"}
_TOKEN_WORDS = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "AUTH")
_DESTRUCTIVE_REQUESTS = ("http.delete", "http.graphql-destructive", "http.destructive-endpoint",
                         "http.body-unreadable", "http.graphql-unparseable")


def secret_effects(cmd: Command, cwd: str | None, home: str) -> list[Effect]:
    effects = []
    if cmd.name in READERS:
        paths = [w.text for w in cmd.args if not w.text.startswith("-") and not w.dynamic]
        if cmd.stdin is not None and cmd.stdin.kind == "file" and cmd.stdin.path is not None:
            paths.append(cmd.stdin.path.text)
        for path in paths:
            if is_credential_file(path, cwd, home):
                effects.append(Effect("secrets.read", target=path, detail=f"{cmd.name} reads {path}"))
    if cmd.name in ("echo", "printf") and any(_names_token(w.raw) for w in cmd.args):
        effects.append(Effect("secrets.print", detail=cmd.display()))
    if cmd.name in ("env", "printenv", "set", "export") and not cmd.args:
        effects.append(Effect("secrets.print", detail=f"{cmd.name} prints every variable, tokens included"))
    return effects


def is_credential_file(path: str, cwd: str | None, home: str) -> bool:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if name in NOT_CREDENTIALS or DYN in path:
        return False
    if any(glob_match(name, pattern) for pattern in CREDENTIAL_FILES):
        return True
    full = os.path.normpath(os.path.join(cwd or "/", os.path.expanduser(path)))
    return any(full.startswith(os.path.join(home, d) + "/") for d in CREDENTIAL_DIRS)


def _names_token(raw: str) -> bool:
    upper = raw.upper()
    return "$" in raw and any(word in upper for word in _TOKEN_WORDS)


def link_credentials(commands: list[Command]) -> None:
    """A destructive request on a line that read a credential file: say
    which file the credential may have come from (rule secrets.file-credential)."""
    read = [e.target for c in commands for e in c.effects if e.kind == "secrets.read"]
    if not read:
        return
    for cmd in commands:
        if any(e.kind in _DESTRUCTIVE_REQUESTS for e in cmd.effects):
            cmd.effects.append(Effect("secrets.file-credential", target=read[0],
                                      detail=f"the request's credential may come from {', '.join(read)}"))
