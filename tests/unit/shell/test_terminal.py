"""Starting a program that reads commands typed later on its terminal is a way
around guardsh (Codex's write_stdin, issue 8): asked about. Programs given
their input on the line are not."""

from __future__ import annotations

import pytest

from guardsh.shell.read import read_line

HOME, CWD = "/home/u", "/home/u/p"


def consoles(line, ruleset):
    return [e.target for c in read_line(line, ruleset.programs, cwd=CWD, home=HOME, budget=10)
            for e in c.effects if e.kind == "shell.interactive-program"]


@pytest.mark.parametrize("line, console", [
    ("python3", "python3"), ("python3 -i -q", "python3"), ("python3 -i app.py", "python3"),
    ("node", "node"), ("node --interactive", "node"), ("irb", "irb"), ("php -a", "php"),
    ("perl -de0", "perl"), ("R", "R"), ("julia", "julia"), ("ghci Main.hs", "ghci"), ("lua", "lua"),
    ("psql", "psql"), ("psql -h db -U app app", "psql"), ("mysql -u root shop", "mysql"), ("sqlite3", "sqlite3"),
    ("sqlite3 app.db", "sqlite3"), ("redis-cli -h cache", "redis-cli"), ("mongosh mongodb://db/app", "mongosh"),
    ("duckdb", "duckdb"), ("clickhouse-client --host ch", "clickhouse-client"),
    ("bin/rails console", "rails console"), ("rails c -e production", "rails c"),
    ("python manage.py shell", "manage.py shell"), ("./manage.py dbshell", "manage.py dbshell"),
    ("php artisan tinker", "artisan tinker"), ("deno repl", "deno repl"), ("deno", "deno"),
    ("docker exec -it web python3", "python3"), ("kubectl exec -it pod -- psql", "psql"),
    ("sudo -u postgres psql", "psql"),
])
def test_a_console_on_the_terminal_is_found(line, console, ruleset):
    assert consoles(line, ruleset) == ([console] if console else [])


@pytest.mark.parametrize("line", [
    "python3 script.py", "python3 script.py -i", "python3 -c 'print(1)'", "python3 -m http.server", "python3 --version",
    "echo 'print(1)' | python3", "python3 - <<'EOF'\nprint(1)\nEOF", "python3 < job.py",
    "psql -c 'select 1'", "psql -f q.sql app", "psql app < dump.sql", "psql -l",
    "sqlite3 db.sqlite 'select 1'", "sqlite3 db.sqlite < q.sql", "echo .tables | sqlite3 db.sqlite",
    "node app.js", "node -e 'console.log(1)'", "node --version", "redis-cli ping", "redis-cli --scan",
    "mysql -e 'select 1'", "ruby -e 'p 1'", "ruby app.rb", "php -r 'echo 1;'", "php index.php", "perl -e 'print 1'",
    "python manage.py migrate", "python manage.py shell -c 'print(1)'", "bin/rails routes", "julia script.jl",
    "Rscript analysis.R", "R -f analysis.R", "deno run main.ts", "lua script.lua", "irb --version",
    "duckdb db.duckdb 'select 1'", "mongosh --eval 'db.stats()'", "clickhouse-client -q 'select 1'",
    # Claude Code runs every command as eval '...' < /dev/null: no terminal to type into.
    "eval 'python3 -i' < /dev/null", "bash -c 'psql' < /dev/null",
    "f() { python3; }; echo 'print(1)' | f",
])
def test_a_program_given_its_input_on_the_line_is_not(line, ruleset):
    assert consoles(line, ruleset) == []


def test_codex_wrapper_starting_python_on_a_terminal_is_found(ruleset):
    # The last line of Codex 0.171.0's per-command wrapper for exec_command
    # {"cmd": "python3 -i -q", "tty": true} (the wrapper's shape:
    # tests/fixtures/agent-shapes/codex-command-wrapper-1.sh).
    line = "if . '/nonexistent/snapshot.sh' >/dev/null 2>&1; then :; fi\nexec '/usr/bin/bash' -c 'python3 -i -q'"
    assert consoles(line, ruleset) == ["python3"]


@pytest.mark.parametrize("line, asked", [
    ("ssh db.internal", True), ("ssh -p 2222 deploy@db", True), ("ssh host uptime", False),
    ("ssh -N -L 8080:localhost:80 host", False), ("ssh host < job.sh", False), ("ssh -V", False),
])
def test_ssh_with_no_command_is_a_remote_shell_on_the_terminal(line, asked, ruleset):
    kinds = {e.kind for c in read_line(line, ruleset.programs, cwd=CWD, home=HOME, budget=10) for e in c.effects}
    assert ("shell.unguarded-shell" in kinds) == asked
