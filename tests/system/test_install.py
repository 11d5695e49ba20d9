"""./install.sh as a newcomer runs it: its own venv, links in a bin folder,
the rule packs inside the installed package, safe to run twice."""

from __future__ import annotations

import pytest

import subprocess

from helpers import ROOT, guardsh_env

pytestmark = pytest.mark.slow


def test_install_gives_a_working_guardsh_and_is_safe_to_rerun(isolated_home, tmp_path):
    prefix, bindir = tmp_path / "guardsh-home", tmp_path / "bin"
    env = guardsh_env(isolated_home, GUARDSH_HOME=str(prefix), GUARDSH_BIN=str(bindir))
    for _ in range(2):
        done = subprocess.run(["bash", str(ROOT / "install.sh")], env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "guardsh is installed" in done.stdout and "guardsh setup" in done.stdout
        assert "ok    rules load" in done.stdout  # it ends with `guardsh doctor`, whatever that finds
    installed = list(prefix.glob("venv/lib/python*/site-packages/guardsh/rules/filesystem.toml"))
    assert installed, "the rule packs must ship inside the installed package"
    # Codex's login shell and Gemini CLI's `bash` on PATH: a link whose file name is bash
    assert (prefix / "shell/bash").resolve() == (prefix / "venv/bin/guardsh").resolve()
    for name in ("guardsh", "guardsh-bash", str(prefix / "shell/bash")):
        ok = subprocess.run([str(bindir / name), "-c", "echo installed"], env=env, capture_output=True,
                            cwd=isolated_home / "project", start_new_session=True)
        assert (ok.returncode, ok.stdout) == (0, b"installed\n")
    refused = subprocess.run([str(bindir / "guardsh"), "-c", "rm -rf ~"], env=env, capture_output=True,
                             cwd=isolated_home / "project", start_new_session=True)
    assert refused.returncode == 126 and b"fs.rm-recursive" in refused.stderr
    assert (bindir / "guardsh").read_text().startswith(f"#!{prefix}/venv/bin/python -IS")
