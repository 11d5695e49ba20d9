"""Shared fixtures: every test gets its own HOME, XDG dirs and project dir,
so no test reads or writes the developer's real configuration or log."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUARDSH = shutil.which("guardsh", path=str(Path(sys.executable).parent)) or "guardsh"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    project = home / "project"
    project.mkdir(parents=True)
    for var, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_STATE_HOME", ".local/state"),
                     ("XDG_CACHE_HOME", ".cache")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(project)
    return home


@pytest.fixture(scope="session")
def ruleset():
    from guardsh.policy.load import load_ruleset

    return load_ruleset(user_file="")


@pytest.fixture
def project(isolated_home):
    return isolated_home / "project"


@pytest.fixture
def data_dir(project):
    """Project data that a destructive command would lose."""
    d = project / "data"
    d.mkdir()
    (d / "rows.csv").write_text("1,2,3\n")
    return d


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
