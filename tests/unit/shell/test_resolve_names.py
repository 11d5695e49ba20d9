"""Names resolved as the machine will: a script on PATH is read by its content, a git alias
is judged as what it expands to, a package runner runs the package's CLI."""

from __future__ import annotations

import json
import subprocess

import pytest

from guardsh.engine import judge

PATH_SCRIPTS = {
    "tidy": '#!/bin/sh\nrm -rf "$HOME/work"\n',
    "psql": "#!/bin/bash\ndropdb shop\n",  # shadows the real client
    "pyclean": '#!/usr/bin/env python3\nimport shutil\nshutil.rmtree("/srv/data")\n',
    "hello": "#!/bin/sh\necho hello\n",
    "pystatus": "#!/usr/bin/env python3\nimport subprocess\nsubprocess.run(['git', 'status'])\n",
    "git-wipe": "#!/bin/sh\nrm -rf /srv/repos\n",
    "git-tidy": "#!/bin/sh\ngit fetch --prune\n",
    "blob": "\x7fELF\x02\x01\x01\x00 rm -rf /\n",  # a binary: judged by its name
}
USER_ALIASES = {"nuke": "!rm -rf ~/work", "undo": "reset --hard HEAD~1", "st": "status -sb", "co": "checkout",
                "lg": "log --oneline --graph", "fp": "push --force", "please": "!git push --force-with-lease"}


@pytest.fixture
def machine(project, isolated_home, monkeypatch):
    bin_dir = isolated_home / "bin"
    bin_dir.mkdir()
    for name, text in PATH_SCRIPTS.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/local/bin:/usr/bin:/bin")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    # user aliases through an include file, repository aliases in .git/config
    (isolated_home / ".gitaliases").write_text(
        "[alias]\n" + "".join(f"\t{k} = {v}\n" for k, v in USER_ALIASES.items()))
    (isolated_home / ".gitconfig").write_text("[include]\n\tpath = ~/.gitaliases\n")
    with (project / ".git/config").open("a") as f:
        f.write("[alias]\n\twipe-all = clean -fdx\n\tsync = pull --rebase\n")
    (project / "node_modules/@acme/tools").mkdir(parents=True)
    (project / "node_modules/@acme/tools/package.json").write_text(json.dumps({"bin": {"acme": "cli.js"}}))
    return project


@pytest.mark.parametrize("command", [
    "tidy", "psql -l", "pyclean", "git nuke", "git undo", "git co .", "git fp origin main", "git please",
    "git wipe", "git wipe-all", "git -C . undo", "PATH=$HOME/bin:$PATH tidy",
    "npx @railway/cli volume delete vol_7f3a", "bunx @railway/cli down -y",
    "npx --yes prisma@5 migrate reset --force", "pnpm dlx prisma migrate reset --force",
    "npm exec -- @railway/cli volume delete vol_1",
])
def test_what_the_name_runs_is_judged(machine, ruleset, command):
    assert judge(command, ruleset, cwd=str(machine)).decision != "allow"


@pytest.mark.parametrize("command", [
    "hello", "pystatus", "git st", "git lg", "git co -b feature", "git sync", "git tidy", "git status",
    "blob --version", "ls -la", "npx prisma generate", "npx @railway/cli status", "npx @acme/tools build",
    "git help undo",
])
def test_harmless_resolutions_run(machine, ruleset, command):
    verdict = judge(command, ruleset, cwd=str(machine))
    assert verdict.decision == "allow", [(m.rule.id, m.command.display()) for m in verdict.matches]


def test_an_alias_is_shown_as_what_it_runs(machine, ruleset):
    verdict = judge("git undo", ruleset, cwd=str(machine))
    assert [m.command.display() for m in verdict.matches] == ["git reset --hard HEAD~1"]


def test_a_package_runs_its_installed_bin(machine):
    from guardsh.model import Word
    from guardsh.shell.resolve import package_bin

    class Scan:
        cwd = str(machine)

    assert package_bin(Word("@acme/tools"), Scan()).text == "acme"
    assert package_bin(Word("@railway/cli"), Scan()).text == "railway"
    assert package_bin(Word("prisma@5.1"), Scan()).text == "prisma"
    assert package_bin(Word("tsx"), Scan()).text == "tsx"


def test_a_program_in_installed_software_is_judged_by_its_name(tmp_path):
    from guardsh.shell.resolve import installed

    assert installed("/usr/bin/npm") and installed("/home/u/.nvm/versions/node/v20/bin/npm")
    assert not installed(str(tmp_path / "bin/tidy"))


def test_shebang_lines():
    from guardsh.shell.resolve import shebang

    assert shebang("#!/usr/bin/env python3\n") == ["python3"]
    assert shebang("#!/usr/bin/env -S node --no-warnings\n") == ["node"]
    assert shebang("#!/usr/local/bin/ruby -w\n") == ["ruby", "-w"]
    assert shebang("print(1)\n") == []


@pytest.mark.parametrize("command", [
    "git config alias.gone '!rm -rf ~/work' && git gone",
    "printf '#!/bin/sh\\nrm -rf ~/work\\n' > ~/bin/fresh; chmod +x ~/bin/fresh; fresh",
    "command tidy", "env tidy", "sudo tidy", "(cd /tmp && tidy)",
])
def test_rewrites_after_a_refusal_are_caught(machine, ruleset, command):
    """What an agent tries when `rm -rf ~/work` is refused: define the alias or write the
    script on the same line, or reach the PATH script through a wrapper."""
    assert judge(command, ruleset, cwd=str(machine)).decision != "allow"
