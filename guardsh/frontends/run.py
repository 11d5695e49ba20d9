"""Hand the command to the real bash: exec, so that output, exit status,
signals, stdin and environment are bash's own."""

from __future__ import annotations

import os
import sys

from .. import exits

CANDIDATES = ("/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash", "/opt/homebrew/bin/bash")


def find_bash() -> str | None:
    """The first real bash: never guardsh itself, even when a link to guardsh
    named bash comes first on PATH (Claude Code wants `bash` in the path)."""
    override = os.environ.get("GUARDSH_BASH")
    if override:
        return override if os.access(override, os.X_OK) else None
    me = os.path.realpath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    path_dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d]
    for candidate in (*CANDIDATES, *(os.path.join(d, "bash") for d in path_dirs)):
        if os.access(candidate, os.X_OK) and os.path.realpath(candidate) != me and not _is_guardsh(candidate):
            return candidate
    return None


def _is_guardsh(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError:
        return False
    return head.startswith(b"#!") and b"guardsh" in head


def exec_bash(args: list[str]) -> None:
    """Replace this process with `bash ARGS`; return only if bash is missing."""
    bash = find_bash()
    if bash is None:
        sys.stderr.write("guardsh: cannot find bash (looked in /bin, /usr/bin, /usr/local/bin and "
                         "PATH); nothing was run\n")
        sys.exit(exits.NO_BASH)
    sys.stdout.flush()
    sys.stderr.flush()
    # Python ignores SIGPIPE and SIGXFSZ, and an ignored signal stays ignored
    # across exec: give bash the defaults it would have had (`yes | head`).
    import signal

    for name in ("SIGPIPE", "SIGXFSZ"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    os.environ["GUARDSH_ACTIVE"] = str(os.getpid())
    os.execv(bash, ["bash", *args])
