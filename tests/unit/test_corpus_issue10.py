"""The issue-10 corpus (tests/corpus/code-and-names.tsv, tests/corpus/files.tsv): what an
agent tries after a refusal (the same request in another language, in a file it wrote a
minute earlier, under another name) must be asked about, and each harmless lookalike must run.
A files.tsv case is judged in a sandbox built as the agent's machine would be: a fake HOME,
a `git init` project as the working directory, a directory first on PATH, the case's files."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from guardsh.engine import judge

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
# ask: must be asked about or refused, and NOT kept-and-run (`snapshot`): a copy
# taken before the line would not be what it destroys. keep: must be `snapshot`.
# todo-ask: should be `ask`, is not yet (strict xfail).
LABELS = {"block", "allow", "todo", "todo-allow", "ask", "keep", "todo-ask"}


def _rows(name: str) -> list[tuple[int, list[str]]]:
    return [(n, line.split("\t")) for n, line in
            enumerate((CORPUS / name).read_text(encoding="utf-8").splitlines(), 1)
            if line.strip() and not line.startswith("#")]


def _cases(name: str, width: int):
    for number, fields in _rows(name):
        if len(fields) != width:
            continue  # reported by test_every_line_is_well_formed
        label, family, command = fields[:3]
        slug = re.sub(r"[^a-z0-9]+", "-", command.lower()).strip("-")[:40]
        marks = [pytest.mark.xfail(strict=True, reason=fields[-1].split("todo: ", 1)[-1])] \
            if label.startswith("todo") else []
        expected = ("allow" if label in ("allow", "todo-allow") else label.removeprefix("todo-")
                    if label in ("ask", "keep", "todo-ask") else "block")
        yield pytest.param(expected, command, *fields[3:width - 1], id=f"L{number}-{family}-{slug}", marks=marks)


def _judged(verdict) -> str:
    """What the corpus label for this verdict is: `snapshot` is blocked (it
    does not simply run) but is no `ask`."""
    assert verdict.decision in {"allow", "snapshot", "confirm", "deny"}
    return {"allow": "allow", "snapshot": "keep"}.get(verdict.decision, "ask")


def _meets(verdict, expected: str) -> bool:
    judged = _judged(verdict)
    return judged == expected if expected != "block" else judged != "allow"


@pytest.mark.parametrize("expected,command", list(_cases("code-and-names.tsv", 4)))
def test_code_and_names_line(expected, command, ruleset, project):
    verdict = judge(command, ruleset, cwd=str(project))
    assert _meets(verdict, expected), verdict.as_json()


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    home, bin_dir = tmp_path / "home", tmp_path / "bin"
    project = home / "proj"
    project.mkdir(parents=True)
    bin_dir.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/local/bin:/usr/bin:/bin")
    monkeypatch.chdir(project)
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    return home, project, bin_dir


@pytest.mark.parametrize("expected,command,files", list(_cases("files.tsv", 5)))
def test_files_line(expected, command, files, ruleset, sandbox):
    home, project, bin_dir = sandbox
    for name, text in json.loads(files).items():
        path = bin_dir / name[5:] if name.startswith("PATH/") else home / name[2:] if name.startswith("~/") \
            else project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a" if name == ".git/config" else "w") as f:
            f.write(text)
        if name.startswith("PATH/") or text.startswith("#!"):
            path.chmod(0o755)
    verdict = judge(command, ruleset, cwd=str(project), home=str(home))
    assert _meets(verdict, expected), verdict.as_json()


@pytest.mark.parametrize("name,width", [("code-and-names.tsv", 4), ("files.tsv", 5)])
def test_every_line_is_well_formed(name, width):
    bad = [(n, f[:3]) for n, f in _rows(name) if len(f) != width or f[0] not in LABELS or not f[2]
           or f[0].startswith("todo") and "todo: " not in f[-1]]
    assert not bad, f"malformed lines in {name} (number, fields): {bad}"


def test_half_the_lines_are_harmless():
    labels = [f[0] for name in ("code-and-names.tsv", "files.tsv") for _, f in _rows(name)]
    harmless = sum(label in ("allow", "todo-allow") for label in labels)
    assert len(labels) >= 200 and abs(harmless - len(labels) / 2) <= len(labels) * 0.1, (harmless, len(labels))
