"""guardsh as a drop-in for bash: what is allowed behaves exactly as bash;
what is refused runs no part of the line."""

from __future__ import annotations

import json
import os

import pytest

from helpers import guardsh_env, run_bash, run_guardsh, write_rules

SAME_AS_BASH = [
    ["-c", "echo hello; exit 3"],
    ["-c", 'echo "$0" "$1" "$#" "$@"', "myname", "a b", "c"],
    ["-c", "printf '%s\\n' \"$@\"", "sh", "one", "two three"],
    ["-lc", "echo login; false"],
    ["-ec", "false; echo not-reached"],
    ["-c", "-l", "echo options-after-c"],
    ["-o", "pipefail", "-c", "false | true; echo $?"],
    ["-c", "set -u; echo $UNSET_VARIABLE_X"],
    ["-xc", "echo traced"],
    ["-c", "cat", "-"],
    ["-c", "kill -TERM $$"],
    ["-c", "yes | head -n 2; echo \"${PIPESTATUS[*]}\""],
    ["-c", "sleep 5 & kill %1; wait; echo $?"],
    ["-c", "echo out; echo err >&2; exit 0"],
    ["-c", "git commit -m \"$(cat <<'EOF'\nfix: a message\nEOF\n)\" --dry-run 2>/dev/null; echo rc=$?"],
]


@pytest.mark.parametrize("args", SAME_AS_BASH, ids=lambda a: " ".join(a)[:40])
def test_allowed_commands_behave_exactly_as_bash(args, isolated_home, project):
    stdin = b"piped input\n"
    ours = run_guardsh(args, isolated_home, input=stdin)
    theirs = run_bash(args, project, input=stdin, env=guardsh_env(isolated_home))
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr)


def test_script_file_is_judged_by_its_content(isolated_home, project):
    write_rules(isolated_home, '[settings]\non_keepable = "confirm"\n')  # asked, not kept: refusing is the point
    (project / "data").mkdir()
    script = project / "cleanup.sh"
    script.write_text("echo cleaning\nrm -rf data\n")
    result = run_guardsh([str(script)], isolated_home)
    assert result.returncode == 126
    assert (project / "data").is_dir()
    assert b"fs.rm-recursive" in result.stderr


def test_allowed_script_file_runs_with_its_arguments(isolated_home, project):
    script = project / "hello.sh"
    script.write_text('echo "hello $1"\n')
    result = run_guardsh([str(script), "world"], isolated_home)
    assert (result.returncode, result.stdout) == (0, b"hello world\n")


def test_script_on_stdin_is_judged_before_it_runs(isolated_home, project):
    write_rules(isolated_home, '[settings]\non_keepable = "confirm"\n')  # asked, not kept: refusing is the point
    (project / "data").mkdir()
    result = run_guardsh([], isolated_home, input=b"touch made\nrm -rf data\n")
    assert result.returncode == 126
    assert (project / "data").is_dir() and not (project / "made").exists()
    ok = run_guardsh(["-s"], isolated_home, input=b"echo from-stdin\n")
    assert (ok.returncode, ok.stdout) == (0, b"from-stdin\n")


def test_refused_line_runs_no_part_of_it(isolated_home, project):
    write_rules(isolated_home, '[settings]\non_keepable = "confirm"\n')  # asked, not kept: refusing is the point
    (project / "data").mkdir()
    (project / "data" / "keep.txt").write_text("precious")
    result = run_guardsh(["-c", "touch a && rm -rf data"], isolated_home)
    assert result.returncode == 126
    assert not (project / "a").exists()
    assert (project / "data" / "keep.txt").read_text() == "precious"


def test_refusal_tells_the_agent_what_and_why_and_to_ask_its_human(isolated_home):
    result = run_guardsh(["-c", "rm -rf ~"], isolated_home)
    err = result.stderr.decode()
    assert result.returncode == 126 and result.stdout == b""
    assert "refused; nothing was run" in err
    assert "fs.rm-recursive" in err and "rm -rf ~" in err
    assert "ask your human" in err


def test_incident_command_is_refused_without_a_terminal(isolated_home):
    incident = ('curl -X POST https://backboard.railway.app/graphql/v2 -H "Authorization: Bearer $RAILWAY_TOKEN" '
                "-H 'Content-Type: application/json' "
                '-d \'{"query":"mutation { volumeDelete(volumeId: \\"3f2a9c1e-prod-pg\\") }"}\'')
    result = run_guardsh(["-c", incident], isolated_home, env_extra={"RAILWAY_TOKEN": "x"})
    assert result.returncode == 126
    assert b"http.graphql-delete" in result.stderr
    assert b"volumeDelete" in result.stderr


def test_every_decision_is_audited(isolated_home):
    run_guardsh(["-c", "echo hi"], isolated_home)
    run_guardsh(["-c", "git push --force"], isolated_home)
    log = isolated_home / ".local/state/guardsh/audit.jsonl"
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["command"], e["decision"], e["outcome"]) for e in entries] == [
        ("echo hi", "allow", "allowed"), ("git push --force", "confirm", "refused")]
    assert entries[1]["rules"] == ["git.push-force"] and entries[1]["confirmed"] == "no-terminal"
    assert all(e["cwd"] and e["time"] for e in entries)


def test_missing_bash_runs_nothing_and_says_so(isolated_home, project):
    result = run_guardsh(["-c", "touch made"], isolated_home, env_extra={"GUARDSH_BASH": "/nonexistent/bash"})
    assert result.returncode == 127
    assert b"cannot find bash" in result.stderr
    assert not (project / "made").exists()


def test_guardsh_never_execs_itself_when_linked_as_bash(isolated_home, tmp_path):
    from helpers import GUARDSH

    linkdir = tmp_path / "bin"
    linkdir.mkdir()
    (linkdir / "bash").symlink_to(GUARDSH)
    env_path = f"{linkdir}:{os.environ['PATH']}"
    result = run_guardsh(["-c", "echo ok"], isolated_home, env_extra={"PATH": env_path})
    assert (result.returncode, result.stdout) == (0, b"ok\n")


def test_reading_credentials_runs_but_is_logged_with_a_warning(isolated_home, project):
    (project / ".env").write_text("API_TOKEN=abc\n")
    result = run_guardsh(["-c", "grep -c TOKEN .env; echo \"$API_TOKEN\""], isolated_home)
    assert result.returncode == 0 and result.stdout.startswith(b"1\n")
    entry = json.loads((isolated_home / ".local/state/guardsh/audit.jsonl").read_text().splitlines()[-1])
    assert entry["warnings"] == ["grep reads .env", 'echo "$API_TOKEN"']
