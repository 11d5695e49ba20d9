"""Codex's hook trust, asked of Codex itself.

Codex runs a user's command hook only once it is trusted: it keeps, per hook
key (`FILE:pre_tool_use:GROUP:HANDLER`), the hash of the hook's definition in
config.toml (`[hooks.state."KEY"] trusted_hash = "sha256:..."`) and skips a
new or changed hook without a word until then. Its `/hooks` screen trusts a
hook through the app-server's JSON-RPC (`codex app-server`, one JSON object a
line on stdio): `hooks/list` gives each hook's key, `currentHash` and
`trustStatus`, and `config/batchWrite` stores the hash. guardsh does the same,
for exactly its own hook: the hash is Codex's to compute (openai/codex#21615:
integrators that computed it themselves broke), so it is taken from
`hooks/list`, never recomputed. Hooks in /etc/codex (the system layer) are
"managed": trusted by policy, no review.

Proven with the real Codex 0.171.0: tests/system/real_agents/test_codex.py."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time

TIMEOUT = 30  # seconds for the whole conversation; the app-server answers in about a second
MANUAL_STEP = ("start `codex`, type /hooks, select guardsh's hook (\"guardsh hook codex\") and choose "
               "\"Trust\" (or \"Trust all and continue\" on the \"Hooks need review\" screen)")


class CodexUnavailable(Exception):
    """Codex could not be asked (not installed, or its app-server failed): the reason."""


def find_codex() -> str | None:
    """The `codex` command: on PATH (the npm launcher or the binary), else in npm's global bin."""
    found = shutil.which("codex")
    if found:
        return found
    npm = shutil.which("npm")
    if npm:
        try:
            prefix = subprocess.run([npm, "prefix", "-g"], capture_output=True, text=True, timeout=20,
                                    stdin=subprocess.DEVNULL).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return None
        candidate = os.path.join(prefix, "bin", "codex")
        if prefix and os.access(candidate, os.X_OK):
            return candidate
    return None


def app_server(calls: list[tuple[str, dict]], cwd: str, codex: str | None = None, timeout: float = TIMEOUT,
               argv: list[str] | None = None, env: dict | None = None) -> list[dict]:
    """Run `codex app-server` (or `argv`, which starts it another way), make `calls` in order after
    the handshake, return their results."""
    if argv is None:
        codex = codex or find_codex()
        if not codex:
            raise CodexUnavailable("the `codex` command was not found on PATH")
        argv = [codex, "app-server"]
    # Its log goes to a file, not a pipe: a pipe nobody reads fills and stops the server mid-answer.
    errors = tempfile.TemporaryFile(mode="w+")
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, cwd=cwd,
                                env=env, start_new_session=True)
    except OSError as e:
        errors.close()
        raise CodexUnavailable(f"cannot start `{' '.join(argv)}`: {e.strerror or e}") from None
    deadline = time.monotonic() + timeout
    pending = bytearray()  # read from the raw descriptor: a buffered readline would hide lines from select

    def next_line(method: str) -> bytes:
        while b"\n" not in pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CodexUnavailable(f"`codex app-server` did not answer {method} within {timeout:.0f} s")
            if select.select([proc.stdout], [], [], left)[0]:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    proc.wait(5)
                    errors.seek(0)
                    err = errors.read()[-2000:].strip()
                    raise CodexUnavailable(f"`codex app-server` ended before answering {method}"
                                           + (f": {err}" if err else ""))
                pending.extend(chunk)
        line, _, rest = bytes(pending).partition(b"\n")
        pending[:] = rest
        return line

    def call(i: int, method: str, params: dict) -> dict:
        proc.stdin.write((json.dumps({"id": i, "method": method, "params": params}) + "\n").encode())
        proc.stdin.flush()
        while True:
            try:
                message = json.loads(next_line(method))
            except ValueError:
                continue  # not an answer: anything but JSON is noise
            if isinstance(message, dict) and message.get("id") == i:  # else a notification
                if "error" in message:
                    raise CodexUnavailable(f"`codex app-server` {method}: {message['error']}")
                return message.get("result") or {}

    try:
        call(0, "initialize", {"clientInfo": {"name": "guardsh", "title": "guardsh", "version": "1"}})
        proc.stdin.write(json.dumps({"method": "initialized"}).encode() + b"\n")
        return [call(i, method, params) for i, (method, params) in enumerate(calls, 1)]
    except (OSError, ValueError) as e:
        raise CodexUnavailable(f"talking to `codex app-server` failed: {e}") from None
    finally:
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout, errors):
            try:
                stream.close()
            except OSError:
                pass


def list_hooks(cwd: str, codex: str | None = None) -> list[dict]:
    [listing] = app_server([("hooks/list", {"cwds": [cwd]})], cwd, codex)
    return [hook for entry in listing.get("data") or [] for hook in entry.get("hooks") or []]


def same_file(a: str | None, b: str) -> bool:
    return bool(a) and os.path.realpath(a) == os.path.realpath(b)


def own_hooks(hooks: list[dict], command: str, config_file: str) -> list[dict]:
    """guardsh's hook as `guardsh setup codex` wrote it: that command, in that file. No other
    hook is ever trusted by guardsh, even one that runs guardsh (a project's, say)."""
    return [h for h in hooks if h.get("command") == command and same_file(h.get("sourcePath"), config_file)]


def trust(command: str, config_file: str, cwd: str, codex: str | None = None) -> list[dict]:
    """Trust guardsh's hook(s) and return them as Codex lists them afterwards."""
    codex = codex or find_codex()
    mine = own_hooks(list_hooks(cwd, codex), command, config_file)
    if not mine:
        raise CodexUnavailable(f"Codex does not list the hook `{command}` from {config_file}")
    state = {h["key"]: {"trusted_hash": h["currentHash"]} for h in mine
             if h.get("trustStatus") not in ("trusted", "managed") and h.get("key") and h.get("currentHash")}
    if state:  # an upsert merges: other hooks' state (and this one's other fields) stay as they are
        app_server([("config/batchWrite", {"edits": [{"keyPath": "hooks.state", "mergeStrategy": "upsert",
                                                       "value": state}]})], cwd, codex)
    return own_hooks(list_hooks(cwd, codex), command, config_file)


def runs(hook: dict) -> bool:
    return hook.get("enabled", True) is not False and hook.get("trustStatus") in ("trusted", "managed")
