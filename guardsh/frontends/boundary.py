"""The front ends' error boundary for loading rules: a broken rules file
stops guardsh with a message good enough to fix it (sudo's way)."""

from __future__ import annotations

import sys

from .. import exits


def load_rules_or_exit(start: str | None = None):
    """The active rule set for a line run in `start` (default: here); exit
    with exits.CONFIG and the problems on stderr when a file is broken."""
    from ..policy.load import find_project_rules, load_ruleset
    from ..policy.schema import ConfigError

    try:
        return load_ruleset(project_file=find_project_rules(start))
    except ConfigError as e:
        from ..outcome.messages import visible  # a project's rules file is the agent's to write

        sys.stderr.write(f"{visible(str(e))}\nguardsh: the rules above are broken; nothing will run until they "
                         "are fixed (check them with `guardsh rules check`).\n")
        sys.exit(exits.CONFIG)
