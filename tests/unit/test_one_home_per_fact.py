"""Facts kept in one place stay in one place, and the places agree."""

from __future__ import annotations

import pathlib
import re

from guardsh import exits, targets
from guardsh.frontends.agents import AGENTS

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "guardsh"


def test_every_agents_hook_file_is_guarded():
    """The file `guardsh setup` writes the hook into must be one an agent
    cannot overwrite to switch guardsh off."""
    for agent in AGENTS.values():
        assert f"{agent.config_dir}/{agent.config_file}" in targets.AGENT_SETTINGS, agent.id
        assert f"{agent.config_dir}/{agent.config_file}" in targets.GUARD_HOME_PATHS, agent.id


def test_agent_records_are_complete():
    for agent in AGENTS.values():
        assert agent.answer_style in ("pretooluse", "cursor", "gemini"), agent.id
        assert agent.name and agent.event and agent.next_steps, agent.id


def test_exit_statuses_are_spelled_only_in_exits():
    """A literal 126 or 127 as a status is a second home for an exit code."""
    literal = re.compile(r"(?:exit|return|status =)\s*\(?\s*12[67]\b")
    offenders = [f"{p.relative_to(PACKAGE)}:{n}" for p in PACKAGE.rglob("*.py") if p.name != "exits.py"
                 for n, line in enumerate(p.read_text().splitlines(), 1) if literal.search(line)]
    assert not offenders, offenders
    assert (exits.REFUSED, exits.NO_BASH, exits.CONFIG) == (126, 127, 2)


def test_example_env_files_are_neither_data_nor_credentials():
    for name in targets.EXAMPLE_ENV_FILES:
        assert name in targets.NOT_DATA and name in targets.NOT_CREDENTIALS
