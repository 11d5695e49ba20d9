"""Programs in files are read by their content, as shell scripts are: an agent refused on a
command writes it into cleanup.py or wipe.ts a minute later and runs that."""

from __future__ import annotations

import pytest

from guardsh.engine import judge

FILES = {
    "wipe.py": 'import sqlite3\nsqlite3.connect("app.db").execute("DROP TABLE users")\n',
    "report.py": 'import sqlite3\nprint(sqlite3.connect("app.db").execute("SELECT count(*) FROM users").fetchone())\n',
    "clean.js": "const fs = require('fs');\nfs.rmSync(require('os').homedir() + '/work', {recursive: true});\n",
    "build.js": "const fs = require('fs');\nfs.rmSync('dist', {recursive: true, force: true});\n",
    "server.js": "const app = require('express')();\napp.delete('/api/items/:id', (req, res) => res.sendStatus(204));\n"
                 "app.listen(3000);\n",
    "scripts/wipe.ts": 'import { rmSync } from "node:fs";\nconst target: string = "/srv/data";\n'
                       "rmSync(target, { recursive: true, force: true });\n",
    "scripts/list.ts": 'import { readdirSync } from "node:fs";\nconsole.log(readdirSync("/srv/data"));\n',
    "tools/__init__.py": "",
    "tools/nuke.py": 'import shutil\nshutil.rmtree("/srv/data")\n',
    "tools/lint.py": 'import subprocess\nsubprocess.run(["ruff", "check", "."])\n',
    "main.py": "from helpers import go\ngo()\n",
    "helpers.py": 'import os\ndef go():\n    os.system("rm -rf ~/work")\n',
    "app.py": "from util import greet\ngreet()\n",
    "util.py": "def greet():\n    print('hi')\n",
    "cleanup.rb": "require 'fileutils'\nFileUtils.rm_rf('/var/www')\n",
    "hello.rb": "puts 'hello'\n",
    "purge.php": "<?php\n$pdo = new PDO($dsn);\n$pdo->exec('TRUNCATE TABLE orders');\n",
    "wipe.pl": "use File::Path qw(remove_tree);\nremove_tree('/srv/data');\n",
    "clean.R": 'unlink("~/analysis", recursive = TRUE)\n',
    "summary.R": 'print(summary(read.csv("data.csv")))\n',
    "entry.mjs": "import { wipe } from './lib/wipe.mjs';\nwipe();\n",
    "lib/wipe.mjs": "import { execSync } from 'node:child_process';\n"
                    "export function wipe() { execSync('git push --force origin main'); }\n",
    "broken.py": "def f(:\n",
}


@pytest.fixture
def files(project):
    for name, text in FILES.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return project


@pytest.mark.parametrize("command", [
    "python3 wipe.py", "python wipe.py --yes", "python3.12 -u wipe.py", "uv run wipe.py",
    "poetry run python wipe.py", "node clean.js", "npx tsx scripts/wipe.ts", "tsx scripts/wipe.ts",
    "ts-node scripts/wipe.ts", "deno run --allow-all scripts/wipe.ts", "bun scripts/wipe.ts",
    "bun run scripts/wipe.ts", "python -m tools.nuke", "python3 main.py", "ruby cleanup.rb", "php purge.php",
    "perl wipe.pl", "Rscript clean.R", "node entry.mjs", "cd scripts && npx tsx wipe.ts",
])
def test_a_destructive_program_file_is_confirmed(files, ruleset, command):
    assert judge(command, ruleset, cwd=str(files)).decision != "allow"


@pytest.mark.parametrize("command", [
    "python3 report.py", "node build.js", "node server.js", "npx tsx scripts/list.ts", "python -m tools.lint",
    "python3 app.py", "ruby hello.rb", "Rscript summary.R", "python -m pytest -q", "python3 missing.py",
    "python3 -m json.tool package.json", "python3 report.py < input.txt", "python3 broken.py",
    "cat response.json | python3 -m json.tool --sort-keys",
])
def test_a_harmless_program_file_runs(files, ruleset, command):
    verdict = judge(command, ruleset, cwd=str(files))
    assert verdict.decision == "allow", [m.rule.id for m in verdict.matches]


def test_a_program_file_written_earlier_on_the_line_is_asked_about(files, ruleset):
    line = "printf 'import shutil; shutil.rmtree(\"/srv\")' > gen.py && python3 gen.py"
    assert judge(line, ruleset, cwd=str(files)).decision != "allow"


def test_a_program_file_named_at_run_time_is_asked_about(files, ruleset):
    assert judge('python3 "$SCRIPT"', ruleset, cwd=str(files)).decision != "allow"


def test_the_finding_names_the_file(files, ruleset):
    verdict = judge("python3 tools/nuke.py", ruleset, cwd=str(files))
    assert any("nuke.py" in " ".join(m.command.via) for m in verdict.matches), verdict.matches


@pytest.mark.parametrize("command", [
    "bin/rails runner 'User.delete_all'", "bundle exec rails runner 'Order.destroy_all'",
    "echo 'Post.delete_all' | bin/rails console",
    "python manage.py shell <<< 'from shop.models import Invoice; Invoice.objects.all().delete()'",
    "./manage.py shell -c 'from x.models import A; A.objects.all().delete()'",
    "php artisan tinker --execute='App\\Models\\User::truncate();'",
    "flask shell <<< 'from app import db; db.drop_all()'",
    "python3 cleanup_dirs.py",
])
def test_code_run_inside_a_framework_is_read(files, ruleset, command):
    (files / "cleanup_dirs.py").write_text("import shutil\nfor d in ['build', 'src']:\n    shutil.rmtree(d)\n")
    assert judge(command, ruleset, cwd=str(files)).decision != "allow"


@pytest.mark.parametrize("command", [
    "bin/rails runner 'puts User.count'", "python manage.py shell -c 'print(1)'", "python manage.py migrate",
    "php artisan tinker --execute='echo User::count();'", "python3 clean_build.py", "node -r dotenv/config build.js",
])
def test_harmless_framework_code_runs(files, ruleset, command):
    (files / "clean_build.py").write_text(
        "import shutil\nfor d in ['build', 'dist', '.pytest_cache']:\n    shutil.rmtree(d, ignore_errors=True)\n")
    verdict = judge(command, ruleset, cwd=str(files))
    assert verdict.decision == "allow", [m.rule.id for m in verdict.matches]


@pytest.mark.parametrize("command,decision", [
    ("python3 -c 'import helpers; helpers.go()'", "confirm"), ("node -e \"require('./lib/wipe.mjs')\"", "confirm"),
    ("pnpm tsx scripts/wipe.ts", "confirm"), ("python3 -c 'import util; util.greet()'", "allow"),
    ("python3 -c 'import json'", "allow"), ("pnpm tsx scripts/list.ts", "allow"), ("pnpm install", "allow"),
])
def test_inline_code_reads_the_modules_beside_it(files, ruleset, command, decision):
    verdict = judge(command, ruleset, cwd=str(files))
    assert (verdict.decision == "allow") == (decision == "allow"), [m.rule.id for m in verdict.matches]


@pytest.mark.parametrize("command,decision", [
    ("echo 'run(`rm -rf /srv/data`)' | julia", "confirm"), ("echo hi | julia", "allow"),
    ("echo 'Remove-Item -Recurse -Force ~/Documents' | pwsh -Command -", "confirm"),
    ("echo 'Get-Date' | pwsh -Command -", "allow"), ("echo 'system(\"rm -rf ~/R\")' | Rscript -", "confirm"),
])
def test_code_piped_into_an_interpreter_is_read(ruleset, project, command, decision):
    verdict = judge(command, ruleset, cwd=str(project))
    assert (verdict.decision == "allow") == (decision == "allow"), [m.rule.id for m in verdict.matches]
