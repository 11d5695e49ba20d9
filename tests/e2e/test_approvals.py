"""Approving without a terminal: the agent (no terminal, as conftest's
run_guardsh runs it) is refused with a request id; the human approves it with
`guardsh approve ID` on a real pseudo-terminal (pexpect); the agent's re-run
of the same command, from the same directory, then runs exactly once."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import time

import pexpect
import pytest

from helpers import GUARDSH, guardsh_env, run_guardsh, write_rules, ask_instead_of_keeping
from guardsh.outcome import ancestry, approvals


@pytest.fixture(autouse=True)
def _asked_not_kept(isolated_home):
    """These tests are about asking: keepable losses are asked about, not kept."""
    ask_instead_of_keeping(isolated_home)


pytestmark = pytest.mark.pty

PROMPT = r'Type "(.+)" to approve it'
RM_DATA = ["-c", "rm -rf data"]

needs_plain_terminal = pytest.mark.skipif(
    ancestry.inside_guardsh({}) is not None,
    reason=f"the tests run inside guardsh, where approving is refused: {ancestry.inside_guardsh({})}")


def human_env(home, **extra) -> dict:
    env = guardsh_env(home, **extra)
    if "GUARDSH_ACTIVE" not in extra:
        env.pop("GUARDSH_ACTIVE", None)
    return env


def refused_id(result) -> str:
    assert result.returncode == 126, result.stderr.decode()
    m = re.search(r"guardsh approve ([A-Z0-9]{6})", result.stderr.decode())
    assert m, result.stderr.decode()
    return m.group(1)


def spawn_approve(home, rid, **env):
    return pexpect.spawn(GUARDSH, ["approve", rid], cwd=str(home), env=human_env(home, **env),
                         timeout=15, encoding="utf-8")


def approve(home, rid, answer: str | None = None) -> tuple[int, str]:
    """Approve as the human: type the phrase asked for (or `answer`)."""
    child = spawn_approve(home, rid)
    child.expect(PROMPT)
    shown = child.before
    child.sendline(answer if answer is not None else child.match.group(1))
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, shown + child.before


def audit_entries(home) -> list[dict]:
    log = home / ".local/state/guardsh/audit.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()]


def write_settings(home, text: str) -> None:
    ask_instead_of_keeping(home, text)


@needs_plain_terminal
def test_approved_command_runs_once_and_a_second_run_is_refused_again(isolated_home, project, data_dir):
    refused = run_guardsh(RM_DATA, isolated_home)
    err = refused.stderr.decode()
    rid = refused_id(refused)
    assert data_dir.exists()
    assert "fs.rm-recursive" in err and "rm -rf data" in err and "Do not look for another way" in err
    assert "ask your human to run `guardsh approve" in err and "re-run exactly the same command" in err

    status, shown = approve(isolated_home, rid)
    assert status == 0
    assert "rm -rf data" in shown and str(project) in shown
    assert "fs.rm-recursive" in shown and "targets: data" in shown
    assert 'Type "data"' in shown, "the same phrase as the normal prompt: what would be destroyed"

    ran = run_guardsh(RM_DATA, isolated_home)
    assert ran.returncode == 0, ran.stderr.decode()
    assert not data_dir.exists()

    data_dir.mkdir()
    again = run_guardsh(RM_DATA, isolated_home)
    assert refused_id(again) != rid, "a used approval files a new request"
    assert data_dir.exists()

    entries = audit_entries(isolated_home)
    approval = next(e for e in entries if e["decision"] == "approval")
    assert (approval["outcome"], approval["approval"], approval["cwd"]) == ("approved", rid, str(project))
    assert approval["tty"].startswith("/dev/") and approval["uid"] == os.getuid()
    used = next(e for e in entries if e["confirmed"] == "approved")
    assert (used["command"], used["outcome"], used["approval"]) == ("rm -rf data", "allowed", rid)
    assert used["approved_by"]["tty"] == approval["tty"] and used["approved_by"]["uid"] == os.getuid()
    assert [e["outcome"] for e in entries if e["decision"] == "confirm"] == ["refused", "allowed", "refused"]


@needs_plain_terminal
def test_wrong_phrase_approves_nothing(isolated_home, data_dir):
    rid = refused_id(run_guardsh(RM_DATA, isolated_home))
    status, shown = approve(isolated_home, rid, answer="y")
    assert status == 126 and "nothing was approved" in shown
    assert run_guardsh(RM_DATA, isolated_home).returncode == 126
    assert data_dir.exists()


def test_a_retry_before_approval_reuses_the_request(isolated_home, data_dir):
    first = refused_id(run_guardsh(RM_DATA, isolated_home))
    assert refused_id(run_guardsh(RM_DATA, isolated_home)) == first
    assert len(approvals.pending_requests()) == 1


@needs_plain_terminal
def test_expired_approval_is_refused(isolated_home, data_dir):
    rid = refused_id(run_guardsh(RM_DATA, isolated_home))
    assert approve(isolated_home, rid)[0] == 0
    approved = isolated_home / f".local/state/guardsh/approvals/{rid}.approved"
    record = json.loads(approved.read_text())
    record["expires"] = time.time() - 1
    approved.write_text(json.dumps(record))
    assert refused_id(run_guardsh(RM_DATA, isolated_home)) != rid
    assert data_dir.exists()


@needs_plain_terminal
def test_approval_ttl_comes_from_rules_toml(isolated_home, data_dir):
    rid = refused_id(run_guardsh(RM_DATA, isolated_home))
    write_settings(isolated_home, "approval_ttl = 1")  # read when approving: the approval lasts 1 s
    assert approve(isolated_home, rid)[0] == 0
    time.sleep(1.2)
    assert run_guardsh(RM_DATA, isolated_home).returncode == 126
    assert data_dir.exists()


@needs_plain_terminal
def test_approval_is_bound_to_directory_command_and_arguments(isolated_home, project, data_dir):
    rid = refused_id(run_guardsh(RM_DATA, isolated_home))
    assert approve(isolated_home, rid)[0] == 0
    elsewhere = project / "sub"
    (elsewhere / "data").mkdir(parents=True)
    assert run_guardsh(RM_DATA, isolated_home, cwd=elsewhere).returncode == 126
    assert (elsewhere / "data").exists()
    assert run_guardsh(["-c", "rm -fr data"], isolated_home).returncode == 126
    assert data_dir.exists()
    assert run_guardsh(RM_DATA, isolated_home).returncode == 0
    assert not data_dir.exists()

    (project / "keep").mkdir()
    (project / "scratch").mkdir()
    by_argument = ["-c", 'rm -rf "$1"', "sh"]
    rid = refused_id(run_guardsh(by_argument + ["scratch"], isolated_home))
    assert approve(isolated_home, rid)[0] == 0
    assert run_guardsh(by_argument + ["keep"], isolated_home).returncode == 126
    assert (project / "keep").exists()
    assert run_guardsh(by_argument + ["scratch"], isolated_home).returncode == 0
    assert not (project / "scratch").exists() and (project / "keep").exists()


def test_approval_is_bound_to_the_variables_the_command_names():
    key = approvals.binding_key('rm -rf "$TARGET"', "/p", ["fs.rm-recursive"], environ={"TARGET": "build"})
    same = approvals.binding_key('rm -rf "$TARGET"', "/p", ["fs.rm-recursive"],
                                 environ={"TARGET": "build", "OTHER": "x"})
    moved = approvals.binding_key('rm -rf "$TARGET"', "/p", ["fs.rm-recursive"], environ={"TARGET": "/home"})
    assert key == same != moved


def test_claude_codes_random_cwd_file_does_not_break_the_binding():
    wrap = "source /s.sh && eval 'rm -rf data' < /dev/null && pwd -P >| /tmp/claude-{}-cwd"
    one = approvals.binding_key(wrap.format("b844"), "/p", ["fs.rm-recursive"])
    assert one == approvals.binding_key(wrap.format("03fa"), "/p", ["fs.rm-recursive"])
    assert one != approvals.binding_key(wrap.format("b844").replace("/tmp/", "/var/"), "/p", ["fs.rm-recursive"])
    assert one != approvals.binding_key(wrap.format("b844").replace("data", "src"), "/p", ["fs.rm-recursive"])


@needs_plain_terminal
def test_approve_without_a_terminal_refuses(isolated_home, data_dir):
    rid = refused_id(run_guardsh(RM_DATA, isolated_home))
    result = subprocess.run([GUARDSH, "approve", rid], stdin=subprocess.DEVNULL, capture_output=True,
                            env=human_env(isolated_home), start_new_session=True, timeout=30)
    assert result.returncode == 126 and b"not a terminal" in result.stderr
    assert run_guardsh(RM_DATA, isolated_home).returncode == 126
    assert data_dir.exists()


@needs_plain_terminal
def test_approve_with_stdin_not_a_terminal_refuses_even_with_one(isolated_home, data_dir):
    rid = refused_id(run_guardsh(RM_DATA, isolated_home))
    child = pexpect.spawn("bash", ["-c", f"{GUARDSH} approve {rid} < /dev/null; echo exit=$?"],
                          env=human_env(isolated_home), timeout=15, encoding="utf-8")
    child.expect("standard input is not a terminal")
    child.expect("exit=126")
    child.expect(pexpect.EOF)
    assert run_guardsh(RM_DATA, isolated_home).returncode == 126


def test_approve_with_guardsh_active_refuses(isolated_home, data_dir):
    rid = refused_id(run_guardsh(RM_DATA, isolated_home))
    child = spawn_approve(isolated_home, rid, GUARDSH_ACTIVE="4242")
    child.expect("inside a shell guardsh runs")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 126
    assert run_guardsh(RM_DATA, isolated_home).returncode == 126
    entries = audit_entries(isolated_home)
    assert any(e["decision"] == "approval" and e["outcome"] == "refused" and e["confirmed"] == "inside-guardsh"
               for e in entries)


def test_approve_under_guardsh_refuses_even_with_the_variable_unset(isolated_home, data_dir):
    """An agent's `env -u GUARDSH_ACTIVE guardsh approve ID` (with the rule
    that denies it outright turned off): the bash guardsh exec'd still has the
    variable in its initial environment."""
    write_settings(isolated_home, "")
    rules = isolated_home / ".config/guardsh/rules.toml"
    rules.write_text('disable = ["guard.self-config"]\n' + rules.read_text())
    rid = refused_id(run_guardsh(RM_DATA, isolated_home))
    child = pexpect.spawn(GUARDSH, ["-c", f"env -u GUARDSH_ACTIVE {GUARDSH} approve {rid}; echo exit=$?"],
                          cwd=str(isolated_home), env=human_env(isolated_home), timeout=15, encoding="utf-8")
    child.expect("above this one")
    child.expect("exit=126")
    child.expect(pexpect.EOF)
    assert run_guardsh(RM_DATA, isolated_home).returncode == 126
    assert data_dir.exists()


def expect_refused_below(command: str, home, why: str, **env) -> None:
    child = pexpect.spawn("bash", ["-c", command], env=human_env(home, **env), timeout=15, encoding="utf-8")
    child.expect(why)
    child.expect("exit=126")
    child.expect(pexpect.EOF)


def test_approve_below_a_process_started_by_guardsh_refuses(isolated_home, data_dir):
    rid = refused_id(run_guardsh(RM_DATA, isolated_home))
    expect_refused_below(f"env -u GUARDSH_ACTIVE {GUARDSH} approve {rid}; echo exit=$?", isolated_home,
                         "above this one .* was started by guardsh", GUARDSH_ACTIVE="4242")
    assert run_guardsh(RM_DATA, isolated_home).returncode == 126


def test_approve_below_a_guardsh_launcher_refuses(isolated_home, data_dir):
    rid = refused_id(run_guardsh(RM_DATA, isolated_home))
    expect_refused_below(f"exec -a guardsh-bash bash -c '{GUARDSH} approve {rid}; echo exit=$?'", isolated_home,
                         "above this one is guardsh: guardsh-bash")
    assert run_guardsh(RM_DATA, isolated_home).returncode == 126


@pytest.mark.parametrize("argv, expected", [
    (["/home/u/.local/share/guardsh/venv/bin/python", "-IS", "/home/u/.local/bin/guardsh-bash", "-c", "x"], True),
    (["/usr/bin/python3", "-IS", "/work/.venv/bin/guardsh", "-lc", "x"], True),
    (["guardsh", "-c", "x"], True),
    (["/home/u/.local/bin/guardsh-bash", "-c", "-l", "x"], True),
    (["python3", "-m", "guardsh", "-c", "x"], True),
    (["python3", "-c", "from guardsh.frontends.cli import main; main()"], True),
    (["python3", "-X", "dev", "-m", "pytest"], False),
    (["/usr/bin/python3", "-m", "pytest", "tests/test_guardsh.py"], False),
    (["bash", "-c", "guardsh approve X"], False),
    (["/usr/bin/vim", "guardsh"], False),
    ([], False),
])
def test_guardsh_launchers_are_recognised(argv, expected):
    assert ancestry.runs_guardsh(argv) is expected


@pytest.mark.skipif(not os.path.exists("/proc/self/stat") or not os.path.exists("/usr/bin/ps")
                    and not os.path.exists("/bin/ps"), reason="needs /proc and ps")
def test_ancestors_read_with_ps_are_those_read_from_proc():
    from_proc = [(pid, argv[:1]) for pid, argv, _ in ancestry._ancestors()]
    from_ps = [(pid, argv[:1]) for pid, argv, _ in ancestry._ps_ancestors()]
    assert from_proc and [p for p, _ in from_proc] == [p for p, _ in from_ps]


@needs_plain_terminal
def test_pending_lists_waiting_and_approved_requests(isolated_home, project, data_dir):
    assert b"no refused command" in run_guardsh(["pending"], isolated_home).stdout
    rid = refused_id(run_guardsh(RM_DATA, isolated_home))
    listed = run_guardsh(["pending"], isolated_home).stdout.decode()
    line = next(line for line in listed.splitlines() if line.startswith(rid))
    assert "waiting" in line and str(project) in line and re.search(r"\d+ s", line)
    assert "rm -rf data" in listed and "[fs.rm-recursive]" in listed
    assert approve(isolated_home, rid)[0] == 0
    assert re.search(rf"{rid}.*approved", run_guardsh(["pending"], isolated_home).stdout.decode())
    assert run_guardsh(RM_DATA, isolated_home).returncode == 0
    assert rid not in run_guardsh(["pending"], isolated_home).stdout.decode()


def test_requests_are_private_and_expired_ones_are_cleaned(isolated_home, data_dir):
    rid = refused_id(run_guardsh(RM_DATA, isolated_home))
    store = isolated_home / ".local/state/guardsh/approvals"
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    request = store / f"{rid}.json"
    assert stat.S_IMODE(request.stat().st_mode) == 0o600
    record = json.loads(request.read_text())
    record["expires"] = time.time() - 1
    request.write_text(json.dumps(record))
    assert rid not in run_guardsh(["pending"], isolated_home).stdout.decode()
    assert not request.exists()


def test_unknown_or_malformed_id_is_not_approved(isolated_home):
    for bad in ("ZZZZZZ", "../../etc/passwd", ""):
        result = run_guardsh(["approve", bad], isolated_home)
        assert result.returncode == 1 and b"no request" in result.stderr


@needs_plain_terminal
def test_racing_reruns_run_exactly_once(isolated_home, project, data_dir):
    command = ["-c", "rm -rf data; echo ran >> ran.log"]
    rid = refused_id(run_guardsh(command, isolated_home))
    assert approve(isolated_home, rid)[0] == 0
    racers = [subprocess.Popen([GUARDSH, *command], cwd=project, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=guardsh_env(isolated_home), start_new_session=True)
              for _ in range(20)]
    statuses = sorted(p.wait(timeout=60) for p in racers)
    assert statuses == [0] + [126] * 19
    assert (project / "ran.log").read_text() == "ran\n"


@needs_plain_terminal
def test_waiting_mode_runs_the_command_once_approved(isolated_home, project, data_dir):
    write_settings(isolated_home, "approval_wait = 10")
    agent = subprocess.Popen([GUARDSH, *RM_DATA], cwd=project, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=guardsh_env(isolated_home), start_new_session=True)
    try:
        said = ""
        while not re.search(r"guardsh approve [A-Z0-9]{6}", said):
            line = agent.stderr.readline().decode()
            assert line, f"the agent's command ended before asking: {said}"
            said += line
        assert "waiting up to 10 s" in said
        assert agent.poll() is None and data_dir.exists()
        rid = re.search(r"guardsh approve ([A-Z0-9]{6})", said).group(1)
        assert approve(isolated_home, rid)[0] == 0
        assert agent.wait(timeout=10) == 0
    finally:
        agent.kill()
    assert b"running it" in agent.stderr.read()
    assert not data_dir.exists()


def test_waiting_mode_gives_up_when_nobody_approves(isolated_home, data_dir):
    write_settings(isolated_home, "approval_wait = 1")
    started = time.monotonic()
    result = run_guardsh(RM_DATA, isolated_home)
    assert time.monotonic() - started >= 1
    rid = refused_id(result)
    assert b"No human approved it within 1 s" in result.stderr
    assert data_dir.exists()
    assert audit_entries(isolated_home)[-1]["confirmed"] == "not-approved-in-time"
    assert [r["id"] for r in approvals.pending_requests()] == [rid]


@needs_plain_terminal
def test_control_characters_in_the_command_cannot_redraw_the_humans_terminal(isolated_home, data_dir):
    rid = refused_id(run_guardsh(["-c", "rm -rf data # \x1b[2K\x1b[1A"], isolated_home))
    assert "\\x1b[2K" in run_guardsh(["pending"], isolated_home).stdout.decode()
    child = spawn_approve(isolated_home, rid)
    child.expect(PROMPT)
    assert "\\x1b[2K\\x1b[1A" in child.before and "\x1b[2K" not in child.before
    child.sendcontrol("c")
    child.expect(pexpect.EOF)


def test_bash_options_before_the_line_do_not_change_the_binding():
    """Codex runs the same command as `bash -lc CMD` (before its snapshot is ready) and as
    `bash -c CMD`; the approval is for the command and its positional arguments."""
    login = approvals.binding_key('rm -rf "$1"', "/p", ["fs.rm-recursive"], ["-lc", 'rm -rf "$1"', "sh", "x"])
    plain = approvals.binding_key('rm -rf "$1"', "/p", ["fs.rm-recursive"], ["-c", 'rm -rf "$1"', "sh", "x"])
    other = approvals.binding_key('rm -rf "$1"', "/p", ["fs.rm-recursive"], ["-c", 'rm -rf "$1"', "sh", "y"])
    assert login == plain != other
