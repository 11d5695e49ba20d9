"""The allowed `-c` path is paid by every agent command: it must not import
the heavy modules only needed on a match or by subcommands. (Timing itself
is measured by bench/startup.py, not asserted here.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("prompt_toolkit", "click", "bashlex", "sqlglot", "pglast", "graphql", "pickle", "dataclasses")

PROBE = r"""
import os, sys
sys.argv = ["guardsh", "-c", {command!r}]
os.execv = lambda *a: (sys.stdout.write(repr(sorted({{m.split(".")[0] for m in sys.modules}})) + "\n"),
                       sys.stdout.flush(), os._exit(0))
from guardsh.frontends.cli import main
main()
"""


@pytest.mark.parametrize("command", ["ls -la", "git status && npm test",
                                     "git commit -m \"$(cat <<'EOF'\nfix: x\nEOF\n)\""])
def test_allowed_path_imports_nothing_heavy(command, isolated_home):
    from helpers import guardsh_env

    out = subprocess.run([sys.executable, "-I", "-c", PROBE.format(command=command)], capture_output=True,
                         text=True, env=guardsh_env(isolated_home), cwd=isolated_home / "project")
    assert out.returncode == 0, out.stderr
    loaded = eval(out.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr
    assert not set(HEAVY) & set(loaded), f"imported on the allowed path: {set(HEAVY) & set(loaded)}"


def test_sql_parser_is_imported_only_when_sql_is_read(isolated_home):
    from helpers import guardsh_env

    out = subprocess.run([sys.executable, "-I", "-c", PROBE.format(command="psql -c 'SELECT 1'")],
                         capture_output=True, text=True, env=guardsh_env(isolated_home),
                         cwd=isolated_home / "project")
    loaded = eval(out.stdout.strip().splitlines()[-1])  # noqa: S307
    assert "pglast" in loaded and "prompt_toolkit" not in loaded


PROBE_GUARDSH_MODULES = PROBE.replace('{{m.split(".")[0] for m in sys.modules}}', "set(sys.modules)")


@pytest.mark.parametrize("command", ["ls -la", "git status && npm test"])
def test_allowed_path_never_loads_the_snapshot_engine(command, isolated_home):
    """Keeping a copy first is for lines that would be asked about: the
    policy's keep builder, the outcome's bridge and the engine stay unloaded."""
    from helpers import guardsh_env

    out = subprocess.run([sys.executable, "-I", "-c", PROBE_GUARDSH_MODULES.format(command=command)],
                         capture_output=True, text=True, env=guardsh_env(isolated_home),
                         cwd=isolated_home / "project")
    assert out.returncode == 0, out.stderr
    loaded = eval(out.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr
    assert "guardsh.frontends.cli" in loaded  # the probe saw guardsh's modules at all
    for name in ("guardsh.policy.keep", "guardsh.outcome.keeping", "guardsh.outcome.snapshot", "sqlite3"):
        assert name not in loaded
