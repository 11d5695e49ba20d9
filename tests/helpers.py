"""What tests share besides fixtures (those are in conftest.py): where guardsh
and the project are, and how to run guardsh and bash as an agent does."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
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


# For tests whose point is the asking (the prompt, approvals, refusals): guardsh
# asks about keepable local losses (rm -rf data) as it did before snapshots,
# instead of keeping a copy and running them.
ASK_INSTEAD_OF_KEEPING = 'on_keepable = "confirm"'


def ask_instead_of_keeping(home: Path, settings: str = "") -> Path:
    return write_rules(home, f"[settings]\n{ASK_INSTEAD_OF_KEEPING}\n{settings}\n")


def guardsh_env(home: Path, **extra) -> dict:
    env = dict(os.environ)
    env.update({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_STATE_HOME": str(home / ".local/state"), "XDG_CACHE_HOME": str(home / ".cache"),
                "XDG_DATA_HOME": str(home / ".local/share")})
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


# Real git repositories and exact pictures of directories, for the undo tests:
# compare before a command and after its undo.
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_NOSYSTEM": "1"}


def sh(cwd, command: str) -> str:
    env = {**os.environ, **GIT_ENV}
    result = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{command!r} failed: {result.stderr}"
    return result.stdout


def tree_picture(root, skip=(".git",), times: bool = False) -> dict:
    """path -> (type, full st_mode, content or link target[, mtime_ns]) of everything under root."""
    root = Path(root)
    picture = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip]
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            rel = str(path.relative_to(root))
            if stat.S_ISLNK(st.st_mode):
                item = ("link", st.st_mode, os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                item = ("dir", st.st_mode, None)
            else:
                item = ("file", st.st_mode, path.read_bytes())
            picture[rel] = item + ((st.st_mtime_ns,) if times and not stat.S_ISDIR(st.st_mode) else ())
    return picture


def git_state(repo) -> dict:
    """Everything an undo of a git command must bring back."""
    return {
        "head_ref": sh(repo, "git symbolic-ref -q HEAD || echo detached").strip(),
        "head": sh(repo, "git rev-parse -q --verify HEAD || true").strip(),
        "index": sh(repo, "git ls-files -s"),
        "status": sh(repo, "git status --porcelain=v1 --untracked-files=all --ignored"),
        "stash": sh(repo, "git stash list --format='%H %gs'"),
        "branches": sh(repo, "git for-each-ref --format='%(objectname) %(refname)' refs/heads/"),
        "files": tree_picture(repo),
    }


def make_messy_repo(path: Path) -> Path:
    """Two commits; then every kind of local state a discarding command can lose:
    an unstaged edit, a staged edit with a further unstaged one, a staged new file,
    a mode change, a symlink retarget, untracked files and directories, ignored build
    output, two stash entries and a second branch."""
    path.mkdir(parents=True, exist_ok=True)
    sh(path, "git init -q -b main . && git config user.name t && git config user.email t@e")
    (path / ".gitignore").write_text("build/\n*.log\n")
    (path / "a.txt").write_text("a1\n")
    (path / "run.sh").write_text("#!/bin/sh\necho run\n")
    (path / "run.sh").chmod(0o755)
    (path / "dir").mkdir()
    (path / "dir/b.txt").write_text("b1\n")
    (path / "dir/bin.dat").write_bytes(bytes(range(256)) * 40)
    os.symlink("a.txt", path / "link")
    sh(path, "git add -A && git commit -qm one")
    (path / "a.txt").write_text("a2\n")
    sh(path, "git commit -qam two && git branch feature && git checkout -q -b spare && "
             "echo spare > s.txt && git add s.txt && git commit -qm spare && git checkout -q main")
    # Two stash entries.
    (path / "a.txt").write_text("stashed once\n")
    sh(path, "git stash push -q -m first")
    (path / "dir/b.txt").write_text("stashed twice\n")
    sh(path, "git stash push -q -m second")
    # The uncommitted work.
    (path / "a.txt").write_text("unstaged edit\n")
    (path / "dir/b.txt").write_text("staged edit\n")
    sh(path, "git add dir/b.txt")
    (path / "dir/b.txt").write_text("staged edit, then more\n")
    (path / "new.txt").write_text("staged new file\n")
    sh(path, "git add new.txt")
    (path / "run.sh").chmod(0o644)
    os.unlink(path / "link")
    os.symlink("dir/b.txt", path / "link")
    (path / "notes.md").write_text("untracked notes\n")
    (path / "scratch").mkdir()
    (path / "scratch/deep").mkdir()
    (path / "scratch/deep/x.py").write_text("print('untracked')\n")
    (path / "scratch/tool").write_text("#!/bin/sh\n")
    (path / "scratch/tool").chmod(0o755)
    (path / "build").mkdir()
    (path / "build/out.o").write_bytes(b"\x7fELF object")
    (path / "debug.log").write_text("ignored log\n")
    return path


# --- labelled corpus tables (tests/corpus/*.tsv: label<TAB>family<TAB>command<TAB>note) ------

TABLE_LABELS = {"block", "allow", "todo", "todo-allow"}


def table_rows(table: Path) -> list[tuple[int, list[str]]]:
    """(line number, fields) of each case in a labelled table."""
    return [(n, line.split("\t")) for n, line in enumerate(table.read_text(encoding="utf-8").splitlines(), 1)
            if line.strip() and not line.startswith("#")]


def table_cases(table: Path) -> list:
    """pytest params (expected, command): `todo` / `todo-allow` lines are the
    known gaps, strict xfails expecting block / allow; a newline inside a
    command is written as U+23CE."""
    import re

    import pytest

    cases = []
    for number, fields in table_rows(table):
        if len(fields) != 4:
            continue  # reported by each table's well-formedness test
        label, family, command, note = fields
        slug = re.sub(r"[^a-z0-9]+", "-", note.lower()).strip("-")[:40]
        marks = [pytest.mark.xfail(strict=True, reason=note)] if label.startswith("todo") else []
        expected = {"todo": "block", "todo-allow": "allow"}.get(label, label)
        cases.append(pytest.param(expected, command.replace("\u23ce", "\n"), id=f"L{number}-{family}-{slug}",
                                  marks=marks))
    return cases
