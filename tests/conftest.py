"""Shared fixtures: every test gets its own HOME, XDG dirs and project dir,
so no test reads or writes the developer's real configuration or log."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    project = home / "project"
    project.mkdir(parents=True)
    for var, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_STATE_HOME", ".local/state"),
                     ("XDG_CACHE_HOME", ".cache"), ("XDG_DATA_HOME", ".local/share")):
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
