"""The shared corpora beside the project (../shared/corpus): the labelled
development set must stay above the issue's targets, and no real command
line from the tldr pages may make guardsh fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import ROOT, run_guardsh

pytestmark = pytest.mark.slow

CORPUS = ROOT.parent / "shared" / "corpus"


def _lines(name: str) -> list[list[str]]:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} is not here (it sits beside the project in its workspace)")
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def test_dev_corpus_recall_and_false_alarm_rate(isolated_home):
    cases = [(label, command) for label, _, command in _lines("dev.tsv")]
    out = run_guardsh(["check", "--batch", "--json"], isolated_home,
                      input="\n".join(c for _, c in cases).encode() + b"\n", timeout=300)
    decisions = [json.loads(line)["decision"] for line in out.stdout.splitlines()]
    blocked = [(label, d != "allow") for (label, _), d in zip(cases, decisions)]
    should = [b for label, b in blocked if label == "block"]
    should_not = [b for label, b in blocked if label == "allow"]
    recall, false_alarms = sum(should) / len(should), sum(should_not) / len(should_not)
    assert recall >= 0.97 and false_alarms <= 0.03, (recall, false_alarms)


def test_no_tldr_command_line_breaks_guardsh(isolated_home, tmp_path: Path):
    commands = [fields[-1] for fields in _lines("tldr-commands.tsv")]
    out = run_guardsh(["check", "--batch", "--json"], isolated_home,
                      input="\n".join(commands).encode() + b"\n", timeout=600)
    verdicts = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(verdicts) == len(commands)
    broken = [c for c, v in zip(commands, verdicts) if "shell.internal-error" in v["rules"]
              or any("Error:" in (m["detail"] or "") and m["rule"] == "shell.parse-error" for m in v["matches"])]
    assert not broken, broken[:10]
    flagged = sum(v["decision"] != "allow" for v in verdicts) / len(verdicts)
    assert flagged < 0.03, f"{flagged:.1%} of tldr examples flagged"
