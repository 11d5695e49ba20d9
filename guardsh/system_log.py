"""The system log's wire format, as sudo and glibc's syslog(3) write it: one
RFC 3164 line, `<PRI>Mmm dd hh:mm:ss IDENT[PID]: MESSAGE`, sent as one
datagram to the local socket (/dev/log) that rsyslog, syslog-ng and
journald read, so decisions join a fleet's existing log pipeline.

Here so that the schema (which checks facility names) and the audit (which
sends) share one table. Only `_socket` is imported, when a line is sent:
`socket` would pull in enum, ~10 ms on every command."""

from __future__ import annotations

import time

FACILITIES = {"kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "lpr": 6, "news": 7,
              "uucp": 8, "cron": 9, "authpriv": 10, "ftp": 11, **{f"local{i}": 16 + i for i in range(8)}}
WARNING, NOTICE = 4, 5
DEFAULT_FACILITY = "authpriv"  # sudo's: auth.log on Debian, secure on Red Hat; not world-readable
DEFAULT_IDENT = "guardsh"
DEFAULT_SOCKET = "/dev/log"
SEND_TIMEOUT = 1.0  # seconds: a stuck log daemon must not hold the agent's command for long

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def frame(message: str, facility: str = DEFAULT_FACILITY, severity: int = NOTICE,
          ident: str = DEFAULT_IDENT, pid: int | None = None, now: float | None = None) -> bytes:
    """The bytes syslog(3) would send for `message` (no hostname: a local
    socket's reader adds its own)."""
    import os

    t = time.localtime(now)
    stamp = f"{_MONTHS[t.tm_mon - 1]} {t.tm_mday:2} {t.tm_hour:02}:{t.tm_min:02}:{t.tm_sec:02}"
    pri = FACILITIES[facility] * 8 + severity
    return f"<{pri}>{stamp} {ident}[{os.getpid() if pid is None else pid}]: {message}".encode(
        "utf-8", "backslashreplace")


def send(data: bytes, path: str = DEFAULT_SOCKET) -> None:
    """One datagram to the socket at `path` (a stream socket, as old syslogds
    had, gets the line and a NUL, as glibc sends it). Raises OSError."""
    import _socket
    import errno

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_DGRAM)
    try:
        sock.settimeout(SEND_TIMEOUT)
        try:
            sock.connect(path)
        except OSError as e:
            if e.errno != errno.EPROTOTYPE:
                raise
            sock.close()
            sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
            sock.settimeout(SEND_TIMEOUT)
            sock.connect(path)
            sock.sendall(data + b"\0")
            return
        sock.send(data)
    finally:
        sock.close()
