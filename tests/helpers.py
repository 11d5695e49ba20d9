"""What tests share besides fixtures (those are in conftest.py): where guardsh
and the project are, and how to run guardsh and bash as an agent does."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUARDSH = shutil.which("guardsh", path=str(Path(sys.executable).parent)) or "guardsh"


def write_rules(home: Path, text: str) -> Path:
    """The user's rules.toml, as a test needs it."""
    path = home / ".config/guardsh/rules.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def guardsh_env(home: Path, **extra) -> dict:
    env = dict(os.environ)
    env.update({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_STATE_HOME": str(home / ".local/state"), "XDG_CACHE_HOME": str(home / ".cache")})
    env.update(extra)
    return env


def run_guardsh(args: list[str], home: Path, cwd: Path | None = None, input: bytes | None = None,
                env_extra: dict | None = None, timeout: float = 30):
    """Run guardsh as an agent does: no controlling terminal (a new session),
    stdin from a pipe or /dev/null."""
    import subprocess

    return subprocess.run([GUARDSH, *args], cwd=cwd or home / "project", input=input,
                          stdin=None if input is not None else subprocess.DEVNULL,
                          capture_output=True, env=guardsh_env(home, **(env_extra or {})),
                          start_new_session=True, timeout=timeout)


def run_bash(args: list[str], cwd: Path, input: bytes | None = None, env: dict | None = None):
    import subprocess

    return subprocess.run(["bash", *args], cwd=cwd, input=input,
                          stdin=None if input is not None else subprocess.DEVNULL,
                          capture_output=True, env=env, start_new_session=True, timeout=30)
