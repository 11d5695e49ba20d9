"""The real agents (pinned npm releases of Claude Code and Codex) driven by a scripted
fake model, each run in a network namespace that has only loopback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import harness

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # Every test here runs a real agent: the marker registered in pyproject.toml.
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.real_agents)


@pytest.fixture(scope="session")
def namespaces():
    if os.geteuid() != 0:
        pytest.skip("the real-agent tests make network and mount namespaces: run them as root (CI does)")
    problem = harness.netns_problem()
    assert problem is None, problem


@pytest.fixture(scope="session")
def claude(namespaces) -> Path:
    return harness.install_agent("claude-code")


@pytest.fixture(scope="session")
def codex(namespaces) -> Path:
    return harness.install_agent("codex")


@pytest.fixture
def world(tmp_path) -> harness.World:
    return harness.World(tmp_path / "world")


@pytest.fixture(scope="session")
def gemini(namespaces) -> Path:
    return harness.install_agent("gemini")
