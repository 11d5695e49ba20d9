"""What a path names, for rules about deleting and overwriting files.

A rule says `targets = ["home", "outside", ...]`; this module decides which
class a word falls in. The classes, from most to least alarming:

  dynamic       only known at run time ("$DIR"/, ${X}/*, what xargs appends)
  guard         guardsh's own configuration, rules, audit log and install, and the
                agents' hook and shell settings that point at guardsh
  root          / itself, or everything in it (/*)
  device        a block device (/dev/sda, /dev/nvme0n1p1, /dev/mapper/x)
  system        under /etc /usr /bin /boot /var /opt ... outside the project
  home          the home directory, or anything in it outside the project
  outside       any other path outside the project (.., ../x, /mnt/x, /tmp/*)
  project-root  the project itself or all of it (., ./, *, ./*, .*), or all of
                one of its folders (src/*)
  vcs           the repository's history (.git)
  data          database files, dumps and secrets (*.db, *.sqlite3, *.dump, .env)
  project       anything else inside the project
  artifact      regenerable build output inside the project (node_modules, dist, *.pyc)
  tmp           a literal path under /tmp or /var/tmp (scratch space)
  null          /dev/null and friends: nothing is stored
"""

from __future__ import annotations

import os
import stat

from .model import DYN, Word
from .textmatch import glob_match

CLASSES = ("dynamic", "guard", "guard-holder", "root", "device", "system", "home", "outside", "project-root", "vcs",
           "data", "project", "artifact", "tmp", "null")

ARTIFACT_NAMES = {
    "node_modules", "dist", "build", "out", "target", ".next", ".nuxt", ".svelte-kit",
    "coverage", ".coverage", "htmlcov", ".venv", "venv", "__pycache__", ".pytest_cache",
    ".mypy_cache", ".ruff_cache", ".tox", ".nox", ".cache", ".parcel-cache", ".turbo",
    ".gradle", ".eggs", ".angular", ".expo", "obj", "tmp", "temp", ".tmp",
    ".terraform", ".serverless", ".vercel", ".output", "storybook-static", "_build",
    "deps", ".dart_tool", ".pnpm-store", ".yarn-cache", "vendor", "Pods", "DerivedData",
    "cmake-build-debug", "cmake-build-release", ".webpack", ".docusaurus",
    "logs", "log", ".sass-cache", "elm-stuff", "bower_components", "jspm_packages",
    "lib-cov", ".nyc_output", ".hypothesis", ".benchmarks", "wheels", ".ipynb_checkpoints",
    # Lock files: the package manager writes them again (and git keeps the committed one).
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock",
    "poetry.lock", "Pipfile.lock", "uv.lock", "Cargo.lock", "Gemfile.lock", "composer.lock",
}
ARTIFACT_GLOBS = ("*.pyc", "*.pyo", "*.o", "*.obj", "*.a", "*.so", "*.class", "*.log",
                  "*.tmp", "*.temp", "*.swp", "*.swo", "?*~", ".DS_Store", "Thumbs.db",
                  "*.egg-info", "*.tsbuildinfo", "*.map", "*.min.js", "*.d", "*.gcda",
                  "*.gcno", "*.orig", "*.rej", "*.pid", "*.lock.tmp", "npm-debug.log*",
                  "yarn-error.log*", "*.whl", "*.tgz", "core", "core.*", "*.dSYM")
DATA_GLOBS = ("*.db", "*.sqlite", "*.sqlite3", "*.db3", "*.dump", "*.pgdump", "*.bak",
              "*.mdb", "*.accdb", "*.rdb", "*.aof", "*.frm", "*.ibd", "*.wal", "*.db-wal",
              "*.db-shm", "*.sqlite-wal", "*.sqlite-shm", ".env", ".env.*", "*.pem", "*.key",
              "*.kdbx", "*.parquet", "*.sql.gz", "*.tar.gz.bak", "id_rsa", "id_ed25519",
              "*.tfstate", "*.tfstate.backup", "*.backup")
# Env files that hold examples, not secrets or data.
EXAMPLE_ENV_FILES = (".env.example", ".env.sample", ".env.template", ".env.dist")
NOT_DATA = EXAMPLE_ENV_FILES
SYSTEM_ROOTS = ("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
                "/boot", "/var", "/opt", "/srv", "/sys", "/proc", "/root", "/home", "/snap",
                "/run", "/nix", "/System", "/Library", "/Applications", "/Users", "/private")
TMP_ROOTS = ("/tmp", "/var/tmp", "/private/tmp")
# Under /dev everything is a device unless it is one of these: memory-backed
# or terminal files, where writing destroys nothing stored.
_DEV_NOT_STORAGE = ("/dev/shm", "/dev/pts", "/dev/tty", "/dev/console", "/dev/ptmx", "/dev/mqueue",
                    "/dev/hugepages", "/dev/log", "/dev/kmsg", "/dev/fd", "/dev/stdin", "/dev/stdout",
                    "/dev/stderr", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
_NULL = ("/dev/null", "/dev/zero", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty",
         "/dev/random", "/dev/urandom", "/dev/full")


# A directory the line cd's into is a project unless it is part of the system.
_NOT_PROJECTS = ("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/sys", "/proc",
                 "/dev", "/run", "/var/lib", "/var/log", "/var/spool", "/var/cache", "/nix", "/snap", "/System",
                 "/Library", "/Applications", "/private/etc", "/private/var", "/root")


def _project_like(directory: str, home: str) -> bool:
    parts = [p for p in directory.split("/") if p]
    if len(parts) < 2 or directory.rstrip("/") == home.rstrip("/") or _inside(home, directory):
        return False  # /, /srv, /home/alice (a home is not a project), the user's own home's parents
    if parts[0] in ("home", "Users") and len(parts) < 3:
        return False
    if any(_inside(directory, t) for t in TMP_ROOTS):
        return False  # judged by the sandbox reading below
    return not any(directory == r or _inside(directory, r) for r in _NOT_PROJECTS)


def _is_device(path: str) -> bool:
    """A device by where it lives (anything under /dev/ that stores data:
    /dev/vdb, /dev/disk/by-id/..., /dev/mapper/x, /dev/mmcblk0p2), or by what
    the path is on this machine (a block device, or a link to one)."""
    if path.startswith("/dev/"):
        return not any(path == d or path.startswith(d + "/") or (d == "/dev/tty" and path.startswith(d))
                       for d in _DEV_NOT_STORAGE)
    if "*" in path or "?" in path:
        return False
    try:
        return stat.S_ISBLK(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def classify(word: Word | str, cwd: str | None, project: str | None, home: str) -> str:
    text = word.text if isinstance(word, Word) else word
    if not text:
        return "dynamic"
    if text.startswith(DYN) or (cwd is None and not text.startswith("/")):
        # A relative path in an unknown directory is still an artifact by its name.
        if not text.startswith(DYN) and _is_artifact(text.split("/")):
            return "artifact"
        return "dynamic"
    text = text.replace(DYN, "*")
    path = _normalise(text if text.startswith("/") else os.path.join(cwd or "/", text))
    if path.startswith(_NULL) or path.startswith("/dev/fd/") or path.startswith("/proc/self/fd"):
        return "null"
    guard = _guard_class(path, project, home)
    if guard:
        return guard
    if path in ("/", "/*", "/.*"):
        return "root"
    if _is_device(path):
        return "device"
    if cwd and cwd != project and _project_like(cwd, home) and _inside(path, cwd):
        # The line cd'd into a project (under another user's home, /workspace,
        # /srv/app): a path inside it is the project's, whoever's home it is under.
        return _classify_in_project(os.path.relpath(path, cwd) if "*" not in path else path[len(cwd):].lstrip("/"))
    if project and project not in ("/", home) and _inside(path, project):
        return _classify_in_project(os.path.relpath(path, project) if "*" not in path
                                    else path[len(project):].lstrip("/"))
    if path == home:
        return "home"
    if _inside(path, home):
        if project == home:
            return _classify_in_project(os.path.relpath(path, home) if "*" not in path
                                        else path[len(home):].lstrip("/"), in_home=True)
        return "home"
    for tmp in TMP_ROOTS:
        if _inside(path, tmp):
            rest = path[len(tmp):].lstrip("/")
            first = rest.split("/", 1)[0]
            if "*" in first or "?" in first or first in ("", ".", ".."):
                return "outside"
            # Where the line works, when that is under /tmp (an agent's sandbox, a CI
            # checkout): the directory itself, its parents and their other children
            # are the project's and its neighbours', never scratch.
            for here in (cwd, project):
                if here and _inside(here, tmp) and here.rstrip("/") != tmp:
                    if path == here:
                        return "project-root"
                    if _inside(here, path):
                        return "outside"
                    sandbox = os.path.join(tmp, here[len(tmp):].lstrip("/").split("/", 1)[0])
                    if _inside(path, sandbox) and not _inside(path, here):
                        return "outside"
                    if _inside(path, here) and ".git" in path[len(here):].split("/"):
                        return _classify_in_project(path[len(here):].lstrip("/"))
            return "tmp"
    if path.startswith(SYSTEM_ROOTS) and any(_inside(path, r) or path == r for r in SYSTEM_ROOTS):
        return "system"
    return "outside"


# Relative to the home directory (and, for the agents' project settings, to
# the project): the files that make guardsh guard, and the agents' settings
# that point at it.
# The agents' settings files that register guardsh's hook (in the project and the home).
AGENT_SETTINGS = (".claude/settings.json", ".claude/settings.local.json", ".cursor/hooks.json",
                  ".codex/hooks.json", ".gemini/settings.json")
GUARD_HOME_PATHS = (".local/share/guardsh", ".local/bin/guardsh", ".local/bin/guardsh-bash",
                    ".codex/config.toml", *AGENT_SETTINGS)
GUARD_PROJECT_PATHS = AGENT_SETTINGS

# Home files a redirection must not overwrite: credentials, shell start-up
# files, guardsh's own files and the agents' hook settings (relative to home).
PROTECTED_HOME_FILES = (".ssh/*", ".gnupg/*", ".aws/*", ".kube/config", ".docker/config.json",
                        ".netrc", ".pgpass", ".my.cnf", ".bashrc", ".bash_profile", ".bash_login",
                        ".profile", ".zshrc", ".zprofile", ".zshenv", ".gitconfig", ".npmrc",
                        ".pypirc", ".config/gh/*", ".config/railway/*", ".config/gcloud/*",
                        ".config/guardsh/*", ".local/state/guardsh/*", ".claude/settings*.json",
                        ".codex/config.toml", "crontab", *AGENT_SETTINGS)

# Files whose reading is a credential read (by name anywhere, or anything under
# these home directories), and the look-alikes that are not.
CREDENTIAL_FILES = (".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "id_rsa*", "id_ed25519*", "id_ecdsa*",
                    ".netrc", ".pgpass", ".my.cnf", ".npmrc", ".pypirc", "credentials", "credentials.json",
                    "service-account*.json", "*.tfvars", "secrets.*", ".git-credentials", "hosts.yml")
CREDENTIAL_DIRS = (".aws", ".config/railway", ".config/gh", ".docker", ".kube", ".ssh", ".config/gcloud",
                   ".azure", ".fly", ".config/heroku", ".supabase")
NOT_CREDENTIALS = (*EXAMPLE_ENV_FILES, "id_rsa.pub", "id_ed25519.pub")

# What code destroys by opening it for writing (a regular expression over the
# literal path, for the code analyser): database files, /etc, ~/.ssh,
# guardsh's own configuration and log, and the agents' hook settings.
DESTROYED_BY_WRITING = (r"\.(?:db|sqlite3?|dump)$|^/etc/|(?:^|/)\.ssh/|(?:^|/)\.config/guardsh/|"
                        r"(?:^|/)\.local/state/guardsh/|(?:^|/)\.(?:claude|cursor|codex|gemini)/"
                        r"(?:settings[^/]*|hooks)\.json$")


def _guard_class(path: str, project: str | None, home: str) -> str | None:
    """"guard" for guardsh's own files and the agents' hook settings (and what
    is inside them); "guard-holder" for a folder that holds one (~/.config, a
    project with .claude/settings.json), but not the home itself or /. A holder
    is only lost by what acts on everything inside it (deleting, moving or a
    recursive chmod of the folder); `touch .` or `chmod u+w .` in a project
    leave the settings inside it alone, so the rules tell the two apart."""
    roots = _guard_roots(project, home)
    if any(path == r or path.startswith(r + "/") for r in roots):
        return "guard"
    if path.startswith(home.rstrip("/") + "/") and any(r.startswith(path + "/") for r in roots):
        return "guard-holder"
    return None


_GUARD_ROOTS: dict[tuple, list[str]] = {}


def _guard_roots(project: str | None, home: str) -> list[str]:
    from . import paths

    key = (project, home, os.environ.get("XDG_CONFIG_HOME"), os.environ.get("XDG_STATE_HOME"),
           os.environ.get("XDG_CACHE_HOME"), os.environ.get("XDG_DATA_HOME"))
    roots = _GUARD_ROOTS.get(key)
    if roots is None:
        # The data directory holds the snapshots `guardsh undo` restores.
        roots = [paths.config_dir(), paths.state_dir(), paths.cache_dir(), paths.data_dir()]
        roots += [os.path.join(home, p) for p in GUARD_HOME_PATHS]
        roots += [os.path.join(project, p) for p in GUARD_PROJECT_PATHS] if project else []
        _GUARD_ROOTS[key] = roots
    return roots


def _classify_in_project(rel: str, in_home: bool = False) -> str:
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if not parts or parts in (["*"], [".*"], ["*", "*"]) or all(p in ("*", "**") for p in parts):
        return "home" if in_home else "project-root"
    if ".git" in parts:
        return "artifact" if _is_git_state(parts[parts.index(".git") + 1:]) else "vcs"
    if _is_artifact(parts):
        return "artifact"
    name = parts[-1]
    if name in ("*", ".*", "**", "*.*"):  # all of a folder: src/*
        return "home" if in_home else "project-root"
    if name not in NOT_DATA and any(glob_match(name, g) for g in DATA_GLOBS):
        return "data"
    if in_home and len(parts) == 1 and name.startswith("."):
        return "home"  # ~/.ssh, ~/.config, ~/.bashrc: the user's, not the project's
    return "project"


# Inside .git: what git itself writes and rewrites while it works, and tells the
# user to delete when a crash leaves it behind (a stale index.lock, an aborted
# rebase's state). Deleting it loses no commit and no change.
GIT_STATE_NAMES = ("index.lock", "HEAD.lock", "config.lock", "packed-refs.lock", "shallow.lock", "gc.log",
                   "gc.pid", "MERGE_HEAD", "MERGE_MSG", "MERGE_MODE", "MERGE_RR", "AUTO_MERGE", "CHERRY_PICK_HEAD",
                   "REVERT_HEAD", "ORIG_HEAD", "FETCH_HEAD", "BISECT_LOG", "BISECT_START", "BISECT_TERMS",
                   "BISECT_NAMES", "BISECT_EXPECTED_REV", "BISECT_ANCESTORS_OK", "SQUASH_MSG", "COMMIT_EDITMSG",
                   "rebase-merge", "rebase-apply", "sequencer", "*.lock")


def _is_git_state(inside_git: list[str]) -> bool:
    if not inside_git:
        return False
    name = inside_git[-1]
    if len(inside_git) > 1 and inside_git[0] in ("rebase-merge", "rebase-apply", "sequencer"):
        return True
    return any(glob_match(name, g) for g in GIT_STATE_NAMES) and name not in ("*", "**")


def _is_artifact(parts: list[str]) -> bool:
    parts = [p for p in parts if p not in ("", ".")]
    if not parts or ".." in parts:
        return False
    if any(p in ARTIFACT_NAMES for p in parts):
        return True
    name = parts[-1]
    if "*" in name and name.strip("*") == "":
        return False
    return any(glob_match(name, g) for g in ARTIFACT_GLOBS) or any(
        g.startswith("*.") and name.endswith(g[1:]) for g in ARTIFACT_GLOBS)


def _normalise(path: str) -> str:
    out: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out:
                out.pop()
            continue
        out.append(part)
    return "/" + "/".join(out)


def _inside(path: str, parent: str) -> bool:
    parent = parent.rstrip("/") or "/"
    return path != parent and (path.startswith(parent + "/") or parent == "/")
