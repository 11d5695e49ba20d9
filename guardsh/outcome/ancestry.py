"""Who is approving: is this process (or any process above it) guardsh, or
started by guardsh? An agent must not approve its own request by running
`guardsh approve` through the shell guardsh gave it. See outcome/approvals.py
for what this does not stop."""

from __future__ import annotations

import os

from ..identity import LAUNCHERS
from .messages import one_line


def inside_guardsh(environ=None) -> str | None:
    """Why this process runs inside guardsh (so, possibly, as an agent), or None."""
    if "GUARDSH_ACTIVE" in (os.environ if environ is None else environ):
        return "GUARDSH_ACTIVE is set"
    for pid, argv, env_names in _ancestors():
        if runs_guardsh(argv):
            return f"process {pid} above this one is guardsh: {one_line(' '.join(argv), 80)}"
        if env_names is not None and "GUARDSH_ACTIVE" in env_names:
            return (f"process {pid} above this one ({os.path.basename(argv[0]) if argv else '?'}) "
                    "was started by guardsh")
    return None


def runs_guardsh(argv: list[str]) -> bool:
    """Is this command line a guardsh launcher, or a Python running guardsh?"""
    if not argv:
        return False
    if os.path.basename(argv[0]) in LAUNCHERS:
        return True
    if not os.path.basename(argv[0]).startswith("python"):
        return False
    i = 1
    while i < len(argv):
        a = argv[i]
        if a.startswith("-m"):
            module = a[2:] or (argv[i + 1] if i + 1 < len(argv) else "")
            return module.split(".")[0] == "guardsh"
        if a.startswith("-c"):
            import re

            code = a[2:] or (argv[i + 1] if i + 1 < len(argv) else "")
            return re.search(r"\b(from|import)\s+guardsh\b", code) is not None
        if a in ("-W", "-X"):
            i += 2
            continue
        if a.startswith("-") and a != "-":
            i += 1
            continue
        return os.path.basename(a) in LAUNCHERS
    return False


def _ancestors(proc: str = "/proc"):
    """(pid, argv, names in its initial environment or None) for each process
    above this one, nearest first."""
    if not os.path.exists(os.path.join(proc, "self", "stat")):
        yield from _ps_ancestors()
        return
    pid, seen = os.getppid(), set()
    while pid > 0 and pid not in seen:
        seen.add(pid)
        base = os.path.join(proc, str(pid))
        try:
            with open(os.path.join(base, "stat"), "rb") as fh:
                stat = fh.read()
            with open(os.path.join(base, "cmdline"), "rb") as fh:
                cmdline = fh.read()
        except OSError:
            return  # gone, or hidden: nothing more to read above it
        try:
            with open(os.path.join(base, "environ"), "rb") as fh:
                env_names = {e.split(b"=", 1)[0].decode("utf-8", "replace") for e in fh.read().split(b"\0") if e}
        except OSError:
            env_names = None  # another user's process (root's sshd, a terminal emulator)
        yield pid, [a.decode("utf-8", "surrogateescape") for a in cmdline.split(b"\0")[:-1]], env_names
        pid = int(stat.rsplit(b")", 1)[1].split()[1])


def _ps_ancestors():
    import subprocess

    try:
        out = subprocess.run(["ps", "-A", "-o", "pid=", "-o", "ppid=", "-o", "args="], capture_output=True,
                             text=True, errors="replace", timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return
    table = {}
    for line in out.splitlines():
        fields = line.split(None, 2)
        if len(fields) >= 2 and fields[0].isdigit() and fields[1].isdigit():
            table[int(fields[0])] = (int(fields[1]), fields[2].split() if len(fields) > 2 else [])
    pid, seen = os.getppid(), set()
    while pid in table and pid not in seen:
        seen.add(pid)
        ppid, argv = table[pid]
        yield pid, argv, None
        pid = ppid
