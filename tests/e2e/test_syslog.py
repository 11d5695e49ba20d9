"""`[settings] syslog = true`: every decision also goes to the system log, as
sudo's do, so a fleet's log pipeline gets them. Tested against a datagram
socket standing in for /dev/log, and against a real rsyslogd when installed."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time

import pytest

from helpers import ASK_INSTEAD_OF_KEEPING, GUARDSH, guardsh_env, run_guardsh, write_rules

LINE = re.compile(r"^<(\d+)>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) ([^\[ ]+)\[(\d+)\]: (\S+) : (.*)$")


@pytest.fixture
def log_socket(tmp_path):
    path = tmp_path / "log.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(10)
    yield sock, path
    sock.close()


def syslog_rules(home, path, extra: str = "") -> None:
    write_rules(home, f'[settings]\n{ASK_INSTEAD_OF_KEEPING}\nsyslog = true\nsyslog_socket = "{path}"\n{extra}')


def received(sock) -> dict:
    data = sock.recv(65536).decode()
    m = LINE.match(data)
    assert m, data
    pri, _, ident, pid, user, rest = m.groups()
    fields = dict(part.split("=", 1) for part in rest.split(" ; COMMAND=")[0].split(" ; "))
    return {"facility": int(pri) // 8, "severity": int(pri) % 8, "ident": ident, "pid": int(pid), "user": user,
            "command": rest.split(" ; COMMAND=", 1)[1], **fields}


def test_each_decision_goes_to_the_system_log_as_well_as_the_audit_file(isolated_home, data_dir, log_socket):
    sock, path = log_socket
    syslog_rules(isolated_home, path, 'syslog_facility = "local3"\nsyslog_ident = "guardsh-test"\n')
    assert run_guardsh(["-c", "echo ran"], isolated_home).returncode == 0
    allowed = received(sock)
    assert run_guardsh(["-c", "rm -rf data"], isolated_home).returncode == 126
    refused = received(sock)
    assert (allowed["facility"], allowed["severity"], allowed["ident"]) == (19, 5, "guardsh-test")  # local3.notice
    assert (refused["facility"], refused["severity"]) == (19, 4)  # local3.warning
    assert allowed["user"] == subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    assert (allowed["DECISION"], allowed["OUTCOME"], allowed["RULES"], allowed["command"]) == \
        ("allow", "allowed", "-", "echo ran")
    assert (refused["DECISION"], refused["OUTCOME"], refused["RULES"], refused["CONFIRMED"], refused["command"]) == \
        ("confirm", "refused", "fs.rm-recursive", "no-terminal", "rm -rf data")
    assert allowed["PWD"] == str(isolated_home / "project")
    audit = (isolated_home / ".local/state/guardsh/audit.jsonl").read_text().splitlines()
    assert len(audit) == 2


def test_the_default_facility_is_sudos_and_a_command_stays_one_visible_line(isolated_home, log_socket):
    sock, path = log_socket
    syslog_rules(isolated_home, path)
    run_guardsh(["-c", "echo 'a\nb' # \x1b[8m\u202e"], isolated_home)
    entry = received(sock)
    assert (entry["facility"], entry["ident"]) == (10, "guardsh")  # authpriv, as sudo
    assert entry["command"] == "echo 'a\\nb' # \\x1b[8m<U+202E>"


def test_a_hook_decision_says_which_agent_asked(isolated_home, log_socket):
    sock, path = log_socket
    syslog_rules(isolated_home, path)
    payload = b'{"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": "ls"}}'
    subprocess.run([GUARDSH, "hook", "claude-code"], input=payload, capture_output=True,
                   env=guardsh_env(isolated_home), cwd=isolated_home / "project", timeout=30)
    assert received(sock)["VIA"] == "hook claude-code"


def test_no_log_daemon_warns_and_changes_no_decision(isolated_home, tmp_path):
    syslog_rules(isolated_home, tmp_path / "nobody-listens")
    ran = run_guardsh(["-c", "echo ran"], isolated_home)
    assert (ran.returncode, ran.stdout) == (0, b"ran\n")
    assert b"cannot send to the system log" in ran.stderr
    assert len((isolated_home / ".local/state/guardsh/audit.jsonl").read_text().splitlines()) == 1


def test_off_by_default(isolated_home, log_socket):
    sock, path = log_socket
    write_rules(isolated_home, f'[settings]\nsyslog_socket = "{path}"\n')
    run_guardsh(["-c", "echo ran"], isolated_home)
    sock.settimeout(0.5)
    with pytest.raises(socket.timeout):
        sock.recv(65536)


@pytest.mark.parametrize("setting, message", [
    ('syslog_facility = "authpirv"', "key 'syslog_facility': must be one of kern, "),
    ('syslog_facility = "authpirv"', "(did you mean 'authpriv'?)"),
    ('syslog_ident = "two words"', "key 'syslog_ident': must be 1-32 printable characters"),
    ('syslog_socket = "dev/log"', "key 'syslog_socket': must be an absolute path, not 'dev/log'"),
    ("syslog = 1", "key 'syslog': expected true or false, got an integer 1"),
])
def test_settings_are_checked(isolated_home, setting, message):
    write_rules(isolated_home, f"[settings]\n{setting}\n")
    result = run_guardsh(["rules", "check"], isolated_home)
    assert result.returncode == 2 and "rules.toml:2: settings: " in result.stderr.decode(), result.stderr
    assert message in result.stderr.decode()


@pytest.mark.skipif(not shutil.which("rsyslogd"), reason="rsyslogd is not installed")
def test_a_real_rsyslogd_files_the_decisions(isolated_home, data_dir, tmp_path):
    work = tmp_path / "rsyslog"
    work.mkdir()
    sock, out = work / "log.sock", work / "auth.log"
    (work / "rsyslog.conf").write_text(
        f'global(workDirectory="{work}")\n'
        'module(load="imuxsock" SysSock.Use="off")\n'
        f'input(type="imuxsock" Socket="{sock}")\n'
        f'authpriv.* action(type="omfile" File="{out}" template="RSYSLOG_TraditionalFileFormat")\n')
    daemon = subprocess.Popen(["rsyslogd", "-n", "-f", str(work / "rsyslog.conf"), "-i", str(work / "pid")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_for(sock.exists, "rsyslogd did not open its socket")
        syslog_rules(isolated_home, sock)
        run_guardsh(["-c", "rm -rf data"], isolated_home)
        _wait_for(lambda: out.exists() and "COMMAND=rm -rf data" in out.read_text(), "nothing was filed")
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
    filed = out.read_text()
    assert re.search(r" guardsh\[\d+\]: \S+ : DECISION=confirm ; OUTCOME=refused ; RULES=fs.rm-recursive ; "
                     r"CONFIRMED=no-terminal ; APPROVAL=\w+ ; PWD=\S+ ; COMMAND=rm -rf data$", filed, re.M), filed


def _wait_for(condition, why: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, why
        time.sleep(0.05)
