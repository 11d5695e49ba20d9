"""A throw-away PostgreSQL cluster for end-to-end tests: initdb in a temp dir,
trust authentication, listening on 127.0.0.1 at a free port and on a unix
socket inside the temp dir, so it never touches a system cluster."""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bin_dir() -> Path | None:
    """The directory holding initdb, pg_ctl and psql of one PostgreSQL version, or None."""
    on_path = shutil.which("initdb")
    if on_path:
        # Debian links /usr/local/bin/initdb into the versioned dir, where pg_ctl and psql live too.
        return Path(on_path).resolve().parent
    versioned = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not versioned:
        return None

    def major_version(path: str) -> int:
        match = re.search(r"/postgresql/(\d+)/", path)
        return int(match.group(1)) if match else 0

    return Path(max(versioned, key=major_version)).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One cluster; start() then stop(). Superuser `postgres`, no password."""

    host = "127.0.0.1"
    user = "postgres"

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.port = free_port()
        # Not under pytest's tmp dir: that is private to root, and the server runs as `postgres`.
        self.root = Path(tempfile.mkdtemp(prefix="guardsh-pg-"))
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log_file = self.root / "server.log"
        self._run_as = self._server_user_prefix()

    def _server_user_prefix(self) -> list[str]:
        """PostgreSQL refuses to run as root: as root, run the server as the `postgres` user."""
        if os.geteuid() != 0:
            return []
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root and there is no `postgres` user to run the server as")
        self.socket_dir.mkdir()
        for path in (self.root, self.socket_dir):
            os.chown(path, account.pw_uid, account.pw_gid)
        return ["runuser", "-u", "postgres", "--"]

    def _server_command(self, program: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self._run_as, str(self.bin_dir / program), *args],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)

    def start(self) -> None:
        self.socket_dir.mkdir(exist_ok=True)
        steps = [
            ("initdb", "-D", str(self.data_dir), "-U", self.user, "--auth=trust", "--no-sync",
             "--encoding=UTF8", "--locale=C"),
            ("pg_ctl", "start", "-w", "-D", str(self.data_dir), "-l", str(self.log_file), "-o",
             f"-p {self.port} -k {self.socket_dir} -c listen_addresses={self.host} -c fsync=off"),
        ]
        for program, *args in steps:
            result = self._server_command(program, *args)
            if result.returncode != 0:
                log = self.log_file.read_text() if self.log_file.exists() else ""
                raise RuntimeError(f"{program} failed ({result.returncode}):\n{result.stdout}{result.stderr}{log}")

    def stop(self) -> None:
        """Stop the server if it runs, and remove every file of the cluster."""
        if (self.data_dir / "postmaster.pid").exists():
            self._server_command("pg_ctl", "stop", "-w", "-m", "immediate", "-D", str(self.data_dir))
        shutil.rmtree(self.root, ignore_errors=True)

    def connection_args(self) -> str:
        """The psql/dropdb options that reach this server, as shell words."""
        return f"-h {self.host} -p {self.port} -U {self.user}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL directly (not through guardsh); unaligned, tuples-only output."""
        result = subprocess.run(
            [str(self.bin_dir / "psql"), "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", self.host,
             "-p", str(self.port), "-U", self.user, "-d", database, "-c", sql],
            capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise AssertionError(f"psql failed on {sql!r}: {result.stderr}")
        return result.stdout.strip()
