"""The policy's half of `snapshot`: which blocking matches can be kept, what
exactly is kept, and the settings that say keep or ask (checked with path:line)."""

from __future__ import annotations

import dataclasses

import pytest

from helpers import write_rules
from guardsh.engine import judge
from guardsh.policy.load import load_ruleset
from guardsh.policy.schema import UNDO_KEYS, ConfigError


def verdict(command: str, project, ruleset=None):
    return judge(command, ruleset or load_ruleset(user_file=""), cwd=str(project))


@pytest.mark.parametrize("command, kind, paths, options", [
    ("rm -rf src", "paths-unlink", ["src"], {}),
    ("rm -rf src node_modules dist", "paths-unlink", ["src"], {}),  # build output needs no keeping
    ("cd lib && rm -f data.db", "paths-unlink", ["lib/data.db"], {}),
    ("bash -c 'rm -rf src'", "paths-unlink", ["src"], {}),
    ("> data.csv", "paths-overwrite", ["data.csv"], {}),
    ("sort names.txt > names.txt", "paths-overwrite", ["names.txt"], {}),
    ("truncate -s 0 app.db", "paths-overwrite", ["app.db"], {}),
    ("mv -f new.db app.db", "paths-overwrite", ["new.db", "app.db"], {}),
    ("git reset --hard HEAD~1", "git", [""], {"untracked": "untracked", "pathspecs": []}),
    ("git checkout -- src/app.ts", "git", [""], {"untracked": "untracked", "pathspecs": []}),
    ("git clean -fdx build docs", "git", [""], {"untracked": "all", "pathspecs": ["build", "docs"]}),
    ("git clean -fX", "git", [""], {"untracked": "ignored", "pathspecs": []}),
    ("git -C sub stash drop", "git", ["sub"], {"untracked": "untracked", "pathspecs": []}),
    ("sed -i d .env", "paths-overwrite", [".env"], {}),
    ("sqlite3 app.db 'DROP TABLE users'", "sqlite", ["app.db"], {}),
    ("sqlite3 app.db <<'SQL'\nDELETE FROM users;\nSQL", "sqlite", ["app.db"], {}),
])
def test_keepable_lines_say_what_they_keep(command, kind, paths, options, project):
    v = verdict(command, project)
    assert v.decision == "snapshot", v.unkept
    [keep] = [k.as_json() for k in v.keep]
    assert keep == {"kind": kind, "paths": [str(project / p) if p else str(project) for p in paths], **options}


@pytest.mark.parametrize("command, why", [
    ("rm -rf src /etc/nginx", "/etc/nginx is a system path"),
    ("rm -rf ~/notes", "in your home directory"),
    ("rm -rf $(cat list)", "only known at run time"),
    ("env -C /srv rm -rf src", "through `env`"),
    ("docker exec web rm -rf src", "through `docker exec`"),
    ("srm -r src", "meant to leave no copy"),
    ("GIT_DIR=/srv/repo.git git reset --hard", "GIT_DIR points git at another repository"),
    ("git --git-dir=/srv/x reset --hard", "another repository"),
    ("git -C /srv/app reset --hard", "outside the project"),
    ("sqlite3 app.db \"ATTACH 'other.db' AS o; DROP TABLE o.users\"", "attaches another database"),
    ("sqlite3 app.db < drop.sql", "from a file or another program"),
    ("sqlite3 /var/lib/app.db 'DROP TABLE t'", "system path"),
    ("psql -d shop -c 'DROP TABLE users'", "names no host"),
    ("psql -h localhost -d shop -c 'SET search_path TO app; DROP TABLE users'", "search path"),
    ("psql -h localhost -d shop -c '\\c other' -c 'DROP TABLE users'", "changes the database"),
    ("PGOPTIONS='-c search_path=app' psql -h localhost -d shop -c 'DROP TABLE users'", "PGOPTIONS"),
    ("psql -h localhost -d shop -f drop.sql", "from a file"),
    ("psql \"$DATABASE_URL\" -c 'DROP TABLE users'", "connection string or only known at run time"),
    ("cp /dev/null app.db", "no way to keep"),
    ("echo -n | crontab -", "not a file the command names"),
    ("mv ~/work node_modules && rm -rf node_modules", "no way to keep"),
])
def test_what_cannot_be_kept_is_asked_with_the_reason(command, why, project):
    (project / "drop.sql").write_text("DROP TABLE users;\n")
    v = verdict(command, project)
    assert v.decision == "confirm" and why in v.unkept, (v.decision, v.unkept)


def test_a_declared_local_postgres_server_is_kept_by_tables(isolated_home, project):
    write_rules(isolated_home, '[settings.undo]\nlocal_postgres = ["localhost:5433"]\n')
    ruleset = load_ruleset()
    v = verdict("psql -h localhost -p 5433 -d shop -c 'DROP TABLE users; TRUNCATE orders'", project, ruleset)
    assert v.decision == "snapshot", v.unkept
    [keep] = v.keep
    assert (keep.kind, keep.options["database"], sorted(keep.options["tables"])) == (
        "postgres", "shop", ["orders", "users"])
    other_port = verdict("psql -h localhost -d shop -c 'DROP TABLE users'", project, ruleset)
    assert other_port.decision == "confirm" and "localhost:5432 is not declared" in other_port.unkept


def test_one_git_keep_per_repository_with_the_widest_untracked_mode(project):
    v = verdict("git clean -fX && git clean -fd && git reset --hard", project)
    [keep] = v.keep
    assert keep.options["untracked"] == "all"


def test_a_path_both_deleted_and_overwritten_is_copied(project):
    v = verdict("sort data.csv > data.csv; rm -f data.csv notes.db", project)
    kinds = {k.kind: list(k.paths) for k in v.keep}
    assert kinds == {"paths-overwrite": [str(project / "data.csv")], "paths-unlink": [str(project / "notes.db")]}


def test_a_line_run_from_home_or_root_keeps_nothing(isolated_home):
    v = judge("rm -rf src", load_ruleset(user_file=""), cwd=str(isolated_home), home=str(isolated_home))
    assert v.decision == "confirm" and "outside any project" in v.unkept


def test_undo_setting_names_are_the_engines():
    from guardsh.outcome.snapshot import Settings

    assert set(UNDO_KEYS) == {f.name for f in dataclasses.fields(Settings)}


@pytest.mark.parametrize("text, expected", [
    ('[settings]\non_keepable = "maybe"\n',
     "{p}:2: settings: key 'on_keepable': must be one of snapshot, confirm, not 'maybe'"),
    ('[settings.on_keepable]\ngit = "snapshot"\n"git.discard-changes" = "ask"\n',
     "{p}:3: settings: key 'on_keepable.git.discard-changes': must be one of snapshot, confirm, not 'ask'"),
    ('[settings.on_keepable]\n"Not A Rule" = "confirm"\n',
     "{p}:2: settings: key 'on_keepable.Not A Rule': name a rule id (git.discard-changes), a way to keep "
     "(git, paths-unlink, paths-overwrite, sqlite, postgres) or 'default'"),
    ('[settings.undo]\nmax_bytes = 10\nmax_file = 3\n',
     "{p}:3: settings.undo: unknown key 'max_file' (did you mean 'max_files'?)"),
    ('[settings.undo]\nmax_files = -1\n', "{p}:2: settings.undo: key 'max_files': must not be negative"),
    ('[settings.undo]\nlocal_postgres = ["localhost"]\n',
     "{p}:2: settings.undo: key 'local_postgres': each entry is \"host:port\" of a local development server, "
     "not 'localhost'"),
    ('[[rule]]\nid = "my.rule"\nreason = "x"\naction = "confirm"\n[[rule.match]]\nprogram = "rm"\nkeep = "tarball"\n',
     "{p}:7: rule 'my.rule': key 'keep': unknown way to keep 'tarball' (one of git, paths-unlink, paths-overwrite, "
     "sqlite, postgres)"),
])
def test_keeping_settings_errors_name_the_line(text, expected, isolated_home):
    path = write_rules(isolated_home, text)
    with pytest.raises(ConfigError) as err:
        load_ruleset(user_file=str(path))
    assert err.value.problems == [expected.format(p=path)]


def test_a_projects_rules_cannot_declare_a_server_local(isolated_home, project):
    """The agent can write the project's rules: a server it declares local would
    be dumped and then dropped without asking. Only the user's file counts."""
    (project / ".guardsh").mkdir()
    (project / ".guardsh/rules.toml").write_text('[settings.undo]\nlocal_postgres = ["db.prod:5432"]\n')
    ruleset = load_ruleset(project_file=str(project / ".guardsh/rules.toml"))
    v = verdict("psql -h db.prod -d shop -c 'DROP TABLE users'", project, ruleset)
    assert v.decision == "confirm"
