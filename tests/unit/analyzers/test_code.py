"""guardsh.analyzers.code: what interpreter one-liners do to files, processes and APIs."""

import pytest

from guardsh.analyzers.code.findings import CodeFindings
from guardsh.analyzers.code.read import analyze_code
from guardsh.model import DYN


def effects(findings: CodeFindings) -> list[tuple[str, str | None]]:
    return [(e.kind, e.target) for e in findings.effects]


# (language, code, effects as (kind, target), shell_commands)
DESTRUCTIVE = [
    # python: calls found through every way of naming them
    ("python", 'import shutil; shutil.rmtree("/home/dev")', [("code.delete-tree", "/home/dev")], []),
    ("python", "import shutil as s; s.rmtree('data')", [("code.delete-tree", "data")], []),
    ("python", "from shutil import rmtree; rmtree('data')", [("code.delete-tree", "data")], []),
    ("python", "from os import remove as r; r('prod.db')", [("code.delete-file", "prod.db")], []),
    ("python", "__import__('shutil').rmtree('/')", [("code.delete-tree", "/")], []),
    ("python", "import importlib; importlib.import_module('shutil').rmtree('/srv')", [("code.delete-tree", "/srv")], []),
    ("python", "import os; getattr(os, 'remove')('a.db')", [("code.delete-file", "a.db")], []),
    ("python", "import shutil; rm = shutil.rmtree; rm('src')", [("code.delete-tree", "src")], []),
    ("python", "from os import *; remove('x.db')", [("code.delete-file", "x.db")], []),
    ("python", "import os.path, shutil; shutil.rmtree(os.path.expanduser('~/code'))", [("code.delete-tree", "~/code")], []),
    ("python", "import os, shutil; shutil.rmtree(os.environ['HOME'])", [("code.delete-tree", "~")], []),
    ("python", "import pathlib; pathlib.Path('x.db').unlink()", [("code.delete-file", "x.db")], []),
    ("python", "from pathlib import Path; (Path.home() / 'notes').rmdir()", [("code.delete-file", "~/notes")], []),
    ("python", "from pathlib import Path; Path.unlink(Path('a.sqlite3'))", [("code.delete-file", "a.sqlite3")], []),
    ("python", "import os; os.unlink('a'); os.rmdir('b'); os.removedirs('c')",
     [("code.delete-file", "a"), ("code.delete-file", "b"), ("code.delete-file", "c")], []),
    ("python", "import os; os.truncate('app.log', 0)", [("code.truncate-file", "app.log")], []),
    # the path is reported as written; whether build/ output may go is the fs rules' call
    ("python", "import os; os.remove('build/out.o')", [("code.delete-file", "build/out.o")], []),
    ("python", "import shutil, tempfile; d = tempfile.mkdtemp(); shutil.rmtree(d)", [("code.delete-tree", "/tmp/" + DYN)], []),
    ("python", "open('app.db', 'w').close()", [("code.truncate-file", "app.db")], []),
    ("python", "from pathlib import Path; Path('data.sqlite').write_text('')", [("code.truncate-file", "data.sqlite")], []),
    ("python", "import shutil; d = '/var/lib/app'; shutil.rmtree(d)", [("code.delete-tree", "/var/lib/app")], []),
    ("python", "import shutil\nfor d in ['/srv/data']:\n    shutil.rmtree(d)", [("code.delete-tree", "/srv/data")], []),
    ("python", "import glob, os\n[os.remove(f) for f in glob.glob('*.db')]", [("code.delete-file", "*.db")], []),
    # python: commands handed to a shell or spawned
    ("python", "import os; os.system('rm -rf ~/code')", [], ["rm -rf ~/code"]),
    ("python", "import os; os.popen('dropdb app').read()", [], ["dropdb app"]),
    ("python", "import subprocess; subprocess.run(['rm', '-rf', 'my dir'])", [], ["rm -rf 'my dir'"]),
    ("python", "import subprocess as sp; sp.call('git push -f', shell=True)", [], ["git push -f"]),
    ("python", "import subprocess; subprocess.Popen(args=['kubectl', 'delete', 'ns', 'prod'])", [], ["kubectl delete ns prod"]),
    ("python", "import subprocess, shlex; subprocess.run(shlex.split('rm -rf build'))", [], ["rm -rf build"]),
    ("python", "import os; os.execvp('rm', ['ls', '-rf', '/'])", [], ["rm -rf /"]),  # argv[0] is only a label
    ("python", "import os; os.execl('/bin/rm', 'rm', '-rf', '/srv')", [], ["/bin/rm -rf /srv"]),
    ("python", "import os; os.spawnlp(os.P_WAIT, 'rm', 'rm', '-rf', 'x')", [], ["rm -rf x"]),
    ("python", "import pty; pty.spawn(['rm', '-rf', 'x'])", [], ["rm -rf x"]),
    ("python", "import os; os.system('rm' + ' -rf ' + '/')", [], ["rm -rf /"]),
    ("python", "import os; os.system(' '.join(['rm', '-rf', '/']))", [], ["rm -rf /"]),
    ("python", "import os; os.system('/ fr- mr'[::-1])", [], ["rm -rf /"]),
    ("python", "import os; os.system(chr(108) + chr(115))", [], ["ls"]),
    # python: HTTP DELETE
    ("python", "import requests; requests.delete('https://api.example.com/v1/users/7')",
     [("http.delete", "https://api.example.com/v1/users/7")], []),
    ("python", "import requests; requests.request('DELETE', 'https://api.x.io/a')", [("http.delete", "https://api.x.io/a")], []),
    ("python", "import httpx\nwith httpx.Client() as c:\n    c.delete('https://h/x')", [("http.delete", "https://h/x")], []),
    ("python", "import requests; s = requests.Session(); s.delete(URL)", [("http.delete", "$?")], []),
    ("python", "import urllib.request as u; u.urlopen(u.Request('https://h/v', method='DELETE'))",
     [("http.delete", "https://h/v")], []),
    # python: eval and exec
    ("python", "exec('import shutil; shutil.rmtree(\"/data\")')", [("code.delete-tree", "/data")], []),
    ("python", "import sys; exec(sys.argv[1])", [("code.dynamic-eval", None)], []),
    ("python", "exec(open('setup_db.py').read())", [("code.dynamic-eval", None)], []),
    # node, deno, bun
    ("node", "require('fs').rmSync('/srv/data', {recursive: true, force: true})", [("code.delete-tree", "/srv/data")], []),
    ("node", "const fs = require('fs'); fs.rmdirSync('data', {recursive:true})", [("code.delete-tree", "data")], []),
    ("node", "require('fs').promises.rm('src', {recursive: true})", [("code.delete-tree", "src")], []),
    ("node", "const o = {recursive: true}; require('fs').rmSync('src', o)", [("code.delete-tree", "src")], []),
    ("node", "require('fs').rm('x.log', (err) => {})", [("code.delete-file", "x.log")], []),
    ("node", "require('fs').unlinkSync('prod.db')", [("code.delete-file", "prod.db")], []),
    ("node", "const rimraf = require('rimraf'); rimraf.sync('data')", [("code.delete-tree", "data")], []),
    ("node", "const fs = require('fs'), os = require('os'); fs.rmSync(path.join(os.homedir(), 'x'), {recursive: true})",
     [("code.delete-tree", "~/x")], []),
    ("node", "require('fs').writeFileSync('users.json', '')", [("code.truncate-file", "users.json")], []),
    ("node", "require('child_process').execSync('rm -rf ~', {stdio: 'inherit'})", [], ["rm -rf ~"]),
    ("node", "const { spawnSync } = require('node:child_process'); spawnSync('rm', ['-rf', 'x'])", [], ["rm -rf x"]),
    ("node", "const cp = require('child_process'); cp.execFileSync('dropdb', ['prod'])", [], ["dropdb prod"]),
    ("node", "fetch('https://api.x.io/v1/a', {method: 'DELETE'})", [("http.delete", "https://api.x.io/v1/a")], []),
    ("node", "require('axios').delete('https://api.x.io/v1/a')", [("http.delete", "https://api.x.io/v1/a")], []),
    ("node", "const axios = require('axios'); axios.delete(url)", [("http.delete", "$?")], []),
    ("node", "eval(process.argv[1])", [("code.dynamic-eval", None)], []),
    ("node", "eval(\"require('fs').unlinkSync('a.db')\")", [("code.delete-file", "a.db")], []),
    ("deno", "await Deno.remove('/var/data', {recursive: true})", [("code.delete-tree", "/var/data")], []),
    ("deno", "await Deno.remove('a.txt')", [("code.delete-file", "a.txt")], []),
    ("deno", "new Deno.Command('rm', {args: ['-rf', 'x']}).outputSync()", [], ["rm -rf x"]),
    ("deno", "Deno.run({cmd: ['git', 'push', '--force']})", [], ["git push --force"]),
    ("bun", "Bun.spawn(['rm', '-rf', 'data'])", [], ["rm -rf data"]),
    ("bun", "import { $ } from 'bun'; await $`rm -rf /srv`", [], ["rm -rf /srv"]),
    # perl
    ("perl", 'unlink glob("*.db")', [("code.delete-file", "*.db")], []),
    ("perl", "unlink 'a.db', 'b.db' or die", [("code.delete-file", "a.db"), ("code.delete-file", "b.db")], []),
    ("perl", 'system("rm -rf ~")', [], ["rm -rf ~"]),
    ("perl", "system 'rm', '-rf', '/srv'", [], ["rm -rf /srv"]),
    ("perl", "exec qw(rm -rf /srv)", [], ["rm -rf /srv"]),
    # the home directory stays an unquoted ~ so the shell analyser sees home, not a file named "~"
    ("perl", "system 'rm', '-rf', \"$ENV{HOME}/my dir\"", [], ["rm -rf ~/'my dir'"]),
    ("perl", "my $out = `rm -rf /tmp/x`; print qx{dropdb prod}", [], ["rm -rf /tmp/x", "dropdb prod"]),
    ("perl", "use File::Path qw(remove_tree); remove_tree('/var/www')", [("code.delete-tree", "/var/www")], []),
    ("perl", "use File::Path; File::Path::rmtree(\"$ENV{HOME}/src\")", [("code.delete-tree", "~/src")], []),
    ("perl", 'open(my $fh, ">", "app.db")', [("code.truncate-file", "app.db")], []),
    ("perl", 'open(P, "dropdb prod |")', [], ["dropdb prod "]),
    ("perl", 'open(F, ">/etc/hosts")', [("code.truncate-file", "/etc/hosts")], []),
    ("perl", "open(my $fh, '-|', 'git', 'push', '-f')", [], ["git push -f"]),
    ("perl", "eval $ARGV[0]", [("code.dynamic-eval", None)], []),
    ("perl", "use HTTP::Request; my $r = HTTP::Request->new(DELETE => 'https://api.x/1')",
     [("http.delete", "https://api.x/1")], []),
    # ruby
    ("ruby", 'require "fileutils"; FileUtils.rm_rf("/var/www")', [("code.delete-tree", "/var/www")], []),
    ("ruby", "require 'fileutils'; FileUtils.rm_r Dir.home", [("code.delete-tree", "~")], []),
    ("ruby", "require 'fileutils'; FileUtils.rm_rf(['a', 'b'])", [("code.delete-tree", "a"), ("code.delete-tree", "b")], []),
    ("ruby", "File.delete('prod.db')", [("code.delete-file", "prod.db")], []),
    ("ruby", "require 'pathname'; Pathname.new('/srv').rmtree", [("code.delete-tree", "/srv")], []),
    ("ruby", "require 'fileutils'; FileUtils.rmtree('/srv')", [("code.delete-tree", "/srv")], []),
    ("ruby", "File.open('prod.sqlite3', 'w') { |f| f.write('') }", [("code.truncate-file", "prod.sqlite3")], []),
    ("ruby", "system 'rm -rf /'", [], ["rm -rf /"]),
    ("ruby", "system('rm', '-rf', 'x')", [], ["rm -rf x"]),
    ("ruby", "puts `rm -rf /tmp/x`; %x(dropdb prod)", [], ["rm -rf /tmp/x", "dropdb prod"]),
    ("ruby", "require 'open3'; Open3.capture2('git reset --hard')", [], ["git reset --hard"]),
    ("ruby", 'system "rm -rf #{ENV["HOME"]}"', [], ["rm -rf ~"]),
    ("ruby", "require 'rest-client'; RestClient.delete('https://api.x/v1/a')", [("http.delete", "https://api.x/v1/a")], []),
    ("ruby", "require 'net/http'; Net::HTTP::Delete.new(URI('https://api.x/z'))", [("http.delete", "https://api.x/z")], []),
    # php
    ("php", "unlink('prod.db');", [("code.delete-file", "prod.db")], []),
    ("php", "array_map('unlink', glob('data/*'));", [("code.delete-file", "data/*")], []),
    ("php", "file_put_contents('app.sqlite', '');", [("code.truncate-file", "app.sqlite")], []),
    ("php", "exec('rm -rf /', $out, $rc);", [], ["rm -rf /"]),
    ("php", "echo shell_exec('git clean -fdx'); passthru(\"dropdb prod\"); echo `rm -rf x`;", [],
     ["rm -rf x", "git clean -fdx", "dropdb prod"]),
    ("php", "$ch = curl_init('https://api.x/v1/a'); curl_setopt($ch, CURLOPT_CUSTOMREQUEST, 'DELETE');",
     [("http.delete", "https://api.x/v1/a")], []),
    ("php", "eval('unlink(\"a.db\");');", [("code.delete-file", "a.db")], []),
    # awk
    ("awk", 'BEGIN{system("rm -rf /")}', [], ["rm -rf /"]),
    ("awk", 'BEGIN { print "rm -rf /srv" | "sh" }', [], ["rm -rf /srv"]),
    ("awk", '{ print "rm -f " $1 | "sh" }', [("code.dynamic-shell", "rm -f " + DYN)], []),
    ("awk", '{ system("rm -rf " $2) }', [("code.dynamic-shell", "rm -rf " + DYN)], []),
    ("awk", 'BEGIN { "dropdb prod" | getline }', [], ["dropdb prod"]),
    ("awk", '{ print "" > "app.db" }', [("code.truncate-file", "app.db")], []),
]

BENIGN = [
    ("python", "print('rm -rf /')"),
    ("python", "import json,sys; print(json.load(sys.stdin)['x'])"),
    ("python", "import sys; print(sys.version)"),
    ("python", "import json; json.dump({}, open('out.json', 'w'))"),  # writing output is ordinary work
    ("python", "x = 'import shutil; shutil.rmtree(\"/\")'; print(x)"),
    ("python", "import requests; print(requests.get('https://api.x/delete').status_code)"),
    ("python", "d = {'a': 1}; d.pop('a'); s = {1}; s.remove(1); l = [1]; l.remove(1)"),
    ("node", "console.log(process.version)"),
    ("node", "console.log(\"require('fs').rmSync('/', {recursive: true})\")"),
    ("node", "// fs.rmSync('/', {recursive: true})\nconsole.log(1)"),
    ("node", "const m = new Map(); m.delete('k'); console.log(/x/.exec('y'), 'a/b'.split(/\\//))"),
    ("node", "const fs = require('fs'); fs.writeFileSync('out.json', JSON.stringify({a: 1}))"),
    ("deno", "console.log(Deno.version)"),
    ("bun", "console.log(Bun.version)"),
    ("perl", "print if m/regex1/ and m/regex2/i"),
    ("perl", "s/regex/replacement/g"),
    ("perl", "say $1 if m/before ( group_regex ) after/x"),
    ("perl", 'print "system(\\"rm -rf /\\")\\n"'),
    ("perl", "eval { die 'x' }; print $@"),
    ("perl", "my %h = (a => 1); delete $h{a}; print scalar(keys %h), $#ARGV"),
    ("perl", 'open(F, "weekly.db") or die; print <F>'),  # a read
    ("perl", "my $unlinked = 0; my $systemd = 1; print $unlinked + $systemd"),
    ("perl", 'open(my $fh, ">>", "app.db")'),  # appending destroys nothing
    ("ruby", "puts 'hello'"),
    ("ruby", 'h = {a: 1}; h.delete(:a); puts "rm -rf #{h}"'),
    ("ruby", "puts Dir.glob('*.rb').size"),
    ("php", "echo json_encode(['a' => 1]);"),
    ("php", "echo phpversion(); # unlink('x');"),
    ("awk", "{print $5}"),
    ("awk", "/foo/ {print $2}"),
    ("awk", "{s+=$1} END {print s}"),
    ("awk", 'BEGIN {FS=":";printf "%-20s %6s\\n", "Name", "UID"} $4 >= 1000 {printf "%-20s %6d\\n", $1, $4}'),
    ("awk", '{if ($1 == "foo") print "Exact match foo"; else if ($1 ~ "bar") print "Partial match bar"; else print "Baz"}'),
    ("awk", '{ print $0 > "/dev/stderr" }'),
]


@pytest.mark.parametrize("language, code, expected_effects, expected_commands", DESTRUCTIVE)
def test_destructive_code_is_found(language, code, expected_effects, expected_commands):
    findings = analyze_code(language, code)
    assert effects(findings) == expected_effects
    assert findings.shell_commands == expected_commands


@pytest.mark.parametrize("language, code", BENIGN)
def test_benign_code_has_no_findings(language, code):
    findings = analyze_code(language, code)
    assert (effects(findings), findings.shell_commands, findings.sql_statements) == ([], [], [])


@pytest.mark.parametrize("language, code, commands", [
    ("python", "import subprocess; subprocess.run(['git', 'status'])", ["git status"]),
    ("python", "import subprocess; subprocess.check_output('ls -la | wc -l', shell=True)", ["ls -la | wc -l"]),
    ("node", "require('child_process').execSync('npm test', {stdio: 'inherit'})", ["npm test"]),
    ("ruby", "puts `git log -1`", ["git log -1"]),
    ("awk", '{ print $1 | "sort -u" }', ["sort -u"]),
])
def test_benign_commands_go_to_the_shell_analyser(language, code, commands):
    findings = analyze_code(language, code)
    assert findings.shell_commands == commands
    assert findings.effects == []


@pytest.mark.parametrize("language, code, statements", [
    ("python", "import sqlite3; sqlite3.connect('a.db').execute('DROP TABLE users')", ["DROP TABLE users"]),
    ("python", "import sqlite3\nc = sqlite3.connect('a.db').cursor()\nc.execute('DELETE FROM t WHERE id = 1')",
     ["DELETE FROM t WHERE id = 1"]),
    ("python", "import sqlite3; t = input(); sqlite3.connect('a.db').executescript(f'DROP TABLE {t}')",
     ["DROP TABLE " + DYN]),
    ("python", "from sqlalchemy import create_engine, text\ncreate_engine(URL).connect().execute(text('TRUNCATE logs'))",
     ["TRUNCATE logs"]),
    ("python", "import sqlite3; q = input(); sqlite3.connect('a.db').execute(q)", []),  # nothing to judge
    ("node", "const db = require('better-sqlite3')('a.db'); db.exec('DROP TABLE users')", ["DROP TABLE users"]),
    ("node", "await sql`DELETE FROM users`", ["DELETE FROM users"]),
    ("perl", "use DBI; DBI->connect($dsn)->do('TRUNCATE TABLE events')", ["TRUNCATE TABLE events"]),
    ("ruby", "ActiveRecord::Base.connection.execute('DROP TABLE posts')", ["DROP TABLE posts"]),
    ("php", "$pdo = new PDO($dsn); $pdo->exec('DROP TABLE users');", ["DROP TABLE users"]),
    ("php", "mysqli_query($conn, 'SELECT * FROM users');", ["SELECT * FROM users"]),
])
def test_sql_statements_are_extracted(language, code, statements):
    assert analyze_code(language, code).sql_statements == statements


@pytest.mark.parametrize("language, code", [
    ("python", f"import shutil; shutil.rmtree({DYN}"),  # a run-time part could make it compile
    ("node", "console.log('unterminated)"),
    ("perl", 'system("rm -rf /'),
    ("ruby", "system %x(rm -rf "),
    ("php", "/* open comment"),
    ("awk", 'BEGIN { system("rm) }'),
])
def test_unreadable_code_fails_closed(language, code):
    assert effects(analyze_code(language, code)) == [("code.unparseable", None)]


@pytest.mark.parametrize("code", ["import shutil; shutil.rmtree(", "def f(:", "print(", "import os; os.system('rm -rf ~')\nx = ("])
def test_python_that_does_not_compile_runs_nothing(code):
    # Python compiles the whole program before running any of it: a SyntaxError
    # anywhere means not even the first statement runs (issue 11).
    assert effects(analyze_code("python", code)) == []
    compile_error = None
    try:
        compile(code, "<c>", "exec")
    except SyntaxError as error:
        compile_error = error
    assert compile_error is not None


@pytest.mark.parametrize("language, code, kind, target", [
    # a run-time part inside a string literal stays a DYN in the target
    ("python", f"import shutil; shutil.rmtree('/data/{DYN}')", "code.delete-tree", f"/data/{DYN}"),
    ("node", f"require('fs').rmSync('{DYN}/', {{recursive: true}})", "code.delete-tree", f"{DYN}/"),
    ("perl", f'system("rm -rf {DYN}")', "code.dynamic-shell", f"rm -rf {DYN}"),
    # interpolation and concatenation are run-time parts too
    ("python", "import os, sys; os.system(f'rm -rf {sys.argv[1]}')", "code.dynamic-shell", f"rm -rf {DYN}"),
    ("python", "import os, sys; os.system('rm -rf %s' % sys.argv[1])", "code.dynamic-shell", f"rm -rf {DYN}"),
    ("python", "import subprocess, sys; subprocess.run(['rm', '-rf', sys.argv[1]])", "code.dynamic-shell", f"rm -rf {DYN}"),
    ("python", "import shutil\ndef clean(p):\n    shutil.rmtree(p)", "code.delete-tree", DYN),
    ("python", "import shutil\np = 'build'\ndef clean(p):\n    shutil.rmtree(p)", "code.delete-tree", DYN),
    ("node", "require('child_process').execSync('rm -rf ' + dir)", "code.dynamic-shell", f"rm -rf {DYN}"),
    ("node", "require('child_process').execSync(`rm -rf ${dir}`)", "code.dynamic-shell", f"rm -rf {DYN}"),
    ("bun", "await $`rm -rf ${dir}`", "code.dynamic-shell", f"rm -rf {DYN}"),
    ("perl", 'system("rm -rf $dir")', "code.dynamic-shell", f"rm -rf {DYN}"),
    ("perl", "unlink;", "code.delete-file", DYN),
    ("ruby", 'system("rm -rf #{dir}")', "code.dynamic-shell", f"rm -rf {DYN}"),
    ("php", 'system("rm -rf $dir");', "code.dynamic-shell", f"rm -rf {DYN}"),
    ("php", "system('rm -rf ' . $argv[1]);", "code.dynamic-shell", f"rm -rf {DYN}"),
    # code itself known only at run time
    ("python", DYN, "code.dynamic-eval", None),
    ("node", DYN, "code.dynamic-eval", None),
    ("node", "require('child' + process.argv[2])", "code.dynamic-eval", None),
    ("python", "import os; m = input(); getattr(os, m)('x')", "code.dynamic-eval", None),
])
def test_run_time_parts_are_dyn(language, code, kind, target):
    assert (kind, target) in effects(analyze_code(language, code))


@pytest.mark.parametrize("language, code, hidden", [
    ("python", "import base64; exec(base64.b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oInJtIC1yZiAvIik='))", "rm -rf /"),
    ("python", "import os, base64; os.system(base64.b64decode('cm0gLXJmIC8=').decode())", "rm -rf /"),
    ("python", "import os, codecs; os.system(codecs.decode('ez -es /', 'rot13'))", "rm -rf /"),
    ("python", "import os; os.system(bytes.fromhex('726d202d7266202f').decode())", "rm -rf /"),
])
def test_decoded_payloads_are_dynamic_eval_and_still_read(language, code, hidden):
    findings = analyze_code(language, code)
    assert "code.dynamic-eval" in [e.kind for e in findings.effects]
    assert findings.shell_commands == [hidden]


@pytest.mark.parametrize("language, code", [
    ("node", "require('child_process').execSync(Buffer.from('cm0gLXJmIC8=', 'base64').toString())"),
    ("node", "eval(atob('cmVxdWlyZSgiZnMiKQ=='))"),
    ("php", "eval(base64_decode('dW5saW5rKCJhIik7'));"),
    ("ruby", "require 'base64'; eval(Base64.decode64('c3lzdGVt'))"),
    ("perl", "use MIME::Base64; system(decode_base64('cm0gLXJmIC8='))"),
])
def test_decoders_in_other_languages_are_dynamic_eval(language, code):
    assert "code.dynamic-eval" in [e.kind for e in analyze_code(language, code).effects]


def test_escaped_strings_are_decoded():
    findings = analyze_code("perl", r'system("\x72\x6d -rf /")')
    assert findings.shell_commands == ["rm -rf /"]


def test_eval_of_eval_stops_at_a_depth_limit():
    code = "print(1)"
    for _ in range(12):
        code = f"exec({code!r})"
    assert ("code.dynamic-eval", None) in effects(analyze_code("python", code))


def test_detail_quotes_the_call():
    (effect,) = analyze_code("node", "const fs = require('fs'); fs.rmSync('data', {recursive: true})").effects
    assert effect.detail == "fs.rmSync('data', {recursive: true})"


def test_unknown_language_is_an_error():
    with pytest.raises(ValueError):
        analyze_code("cobol", "DISPLAY 'x'")
