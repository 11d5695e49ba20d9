"""`guardsh check`, `check --batch` and `guardsh log`: judging without running."""

from __future__ import annotations

import json

from helpers import run_guardsh


def test_check_exit_status_and_json(isolated_home, project):
    ok = run_guardsh(["check", "--json", "git status"], isolated_home)
    assert ok.returncode == 0
    assert json.loads(ok.stdout) == {"decision": "allow", "rules": [], "reason": None, "matches": [],
                                     "production": None}
    blocked = run_guardsh(["check", "--json", "psql -c 'DROP TABLE bookings'"], isolated_home)
    verdict = json.loads(blocked.stdout)
    assert blocked.returncode == 1
    assert (verdict["decision"], verdict["rules"]) == ("confirm", ["sql.drop"])
    assert verdict["matches"][0]["target"] == "bookings"


def test_check_runs_nothing(isolated_home, project):
    run_guardsh(["check", "touch made"], isolated_home)
    assert not (project / "made").exists()


def test_batch_answers_every_line_in_order_and_never_stops(isolated_home):
    lines = [b"ls -la", b"rm -rf ~", b"echo 'unterminated", b"\xff\xfe garbage \x01", b"", b"git push -f"]
    result = run_guardsh(["check", "--batch", "--json"], isolated_home, input=b"\n".join(lines) + b"\n")
    decisions = [json.loads(line)["decision"] for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert decisions == ["allow", "confirm", "confirm", decisions[3], "allow", "confirm"]
    assert decisions[3] in ("allow", "confirm")


def test_log_shows_recent_decisions(isolated_home):
    run_guardsh(["-c", "echo hi"], isolated_home)
    run_guardsh(["-c", "git reset --hard"], isolated_home)
    shown = run_guardsh(["log", "-n", "5"], isolated_home).stdout.decode().splitlines()
    assert len(shown) == 2
    assert "allow" in shown[0] and "echo hi" in shown[0]
    assert "confirm" in shown[1] and "git.discard-changes" in shown[1]
    raw = run_guardsh(["log", "--json"], isolated_home).stdout.decode().splitlines()
    assert json.loads(raw[1])["command"] == "git reset --hard"
