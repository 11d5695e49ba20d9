"""Reading the files a line names: payload files, scripts (with shebang
sniffing), /dev/stdin as the command's own stdin, and process substitutions
whose content is known (virtual files). A mixin of the shell session: it uses
the session's cwd, project, written, virtual_files and scripts."""

from __future__ import annotations

import os
import stat
import sys

from ..model import DYN, Stdin
from .wrappers import SHELLS

MAX_FILE = 1 << 20  # bytes of a script or payload file that are read
STDIN_PATHS = {"/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", "-"}


class FileReader:
    """read_file, virtual_file, read_script, for ShellSession (which provides
    stdin_text and the state named above)."""

    def read_file(self, path: str, stdin: Stdin | None = None) -> str | None:
        """A payload file's text, or None when it cannot be known now.
        /dev/stdin is the command's own stdin, never guardsh's; only regular
        files are opened (a FIFO or device could block or be consumed)."""
        if not path or DYN in path:
            return None
        self.files_consulted += 1  # what a cached judgement depends on (sourcecache.py)
        if path in STDIN_PATHS:
            return self.stdin_text(stdin) if stdin is not None else None
        if path in self.virtual_files:
            return self.virtual_files[path]
        full = self._abs(os.path.expanduser(path))
        if full in self.written:
            return None  # written earlier on this line: its content is not on disk yet
        data = _read_regular(full, MAX_FILE + 1)
        if data is None or len(data) > MAX_FILE:
            return None
        return data.decode("utf-8", "replace")

    def virtual_file(self, text: str) -> str:
        """A name for content known now that bash will pass as a file: <(echo x)."""
        name = f"/dev/fd/guardsh-{len(self.virtual_files)}"
        self.virtual_files[name] = text
        return name

    def read_script(self, path: str, stdin: Stdin | None = None) -> tuple[str, str | None]:
        """-> ("shell", text) | ("missing", None) | ("unreadable", None) | ("not-shell", text):
        a program in another language (its text: the shebang names its interpreter), or
        ("not-shell", None) for text holding a NUL, ("binary", None) for a compiled program."""
        self.files_consulted += 1
        if path in STDIN_PATHS or path in self.virtual_files:
            text = self.read_file(path, stdin)
            return ("shell", text) if text is not None else ("unreadable", None)
        full = self._abs(os.path.expanduser(path))
        if full in self.scripts:
            return "shell", ""  # a cycle: already being read
        if full in self.written:
            return "unreadable", None
        if not os.path.exists(full):
            return "missing", None
        if _is_binary(full):
            return "binary", None  # a program, judged by its name: never read as a script
        text = self.read_file(full)
        if text is None:
            return "unreadable", None
        if "\x00" in text[:4096]:
            return "unreadable", None  # bash runs it (its NUL is past the first line); guardsh cannot read it
        first = text.split("\n", 1)[0]
        if first.startswith("#!"):
            words = first[2:].split()
            prog = os.path.basename(words[0]) if words else ""
            if prog == "env" and len(words) > 1:
                prog = os.path.basename([w for w in words[1:] if not w.startswith("-")][0]
                                        if [w for w in words[1:] if not w.startswith("-")] else "")
            if prog not in SHELLS:
                return "not-shell", text
        return "shell", text

    def abs_path(self, path: str) -> str:
        """`path` made absolute against the line's working directory, as bash will open it."""
        return self._abs(path)

    def _abs(self, path: str) -> str:
        if os.path.isabs(path):
            return os.path.normpath(path)
        return os.path.normpath(os.path.join(self.cwd or self.project or "/", path))


# What the system runs as a program rather than handing to bash as a script:
# ELF, which Linux executes (Mach-O on macOS), and what bash itself refuses
# as a "binary file": a NUL in the first line of its first 80 bytes
# (execute_cmd.c check_binary_file). Anything else that is executed by path,
# "MZ..." included, bash reads as a script, so guardsh does too. Agents ship
# 400 MB single-file executables (Claude Code's, which its snapshot runs as
# bfs/ugrep/rg): only these few bytes are read to tell one from a script.
_BINARY_MAGIC = (b"\x7fELF",) + ((b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                                  b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe") if sys.platform == "darwin" else ())
_HEAD = 80


def _read_regular(path: str, limit: int) -> bytes | None:
    """Up to `limit` bytes of a regular file; None for anything else, or on
    an error. Opened without blocking and checked before reading: a FIFO or
    a device could block or be consumed."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        return os.read(fd, limit) if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _is_binary(path: str) -> bool:
    """A regular file the system runs as a program, or bash refuses to read."""
    head = _read_regular(path, _HEAD)
    return head is not None and (head.startswith(_BINARY_MAGIC) or b"\0" in head.split(b"\n", 1)[0])
