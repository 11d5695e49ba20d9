"""What a name runs on this machine, found the way bash and git will find it:
a script on PATH (`tidy` whose body is `rm -rf ~/work`), a git alias from git
config (`git nuke` = `!rm -rf ...`), `git-wipe` on PATH, the CLI a package
runner starts (`npx @railway/cli volume delete` runs `railway volume delete`).

Costs: a PATH lookup is a stat per PATH entry up to the first hit; a file is
opened only when it is outside the directories installed software lives in,
and only its first bytes unless it is a small text file with a shebang. A git
alias is looked up (one `git config` run) only for a subcommand git does not
have. What cannot be resolved when it must be is reported as unknown."""

from __future__ import annotations

import os
import stat

from ..model import DYN, Command, Effect, Word

# bash finds these in itself, never on PATH.
BASH_BUILTINS = frozenset("""
: . [ [[ alias bg bind break builtin caller case cd command compgen complete compopt continue declare
dirs disown echo enable eval exec exit export false fc fg for function getopts hash help history if
jobs kill let local logout mapfile popd printf pushd pwd read readarray readonly return select set shift
shopt source suspend test time times trap true type typeset ulimit umask unalias unset until wait while
""".split())

# Installed software: a program found here is what its name says (a package manager put it
# there), judged by its name, never read. Version-manager shims are installed software too.
INSTALLED_PREFIXES = ("/usr/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/opt/", "/nix/store/", "/snap/",
                      "/System/", "/Library/", "/home/linuxbrew/", "/Applications/")
INSTALLED_PARTS = ("/node_modules/", "/site-packages/", "/dist-packages/", "/shims/", "/.pyenv/", "/.rbenv/",
                   "/.nodenv/", "/.asdf/", "/.nvm/", "/.volta/", "/.fnm/", "/mise/installs/", "/.sdkman/",
                   "/.cargo/bin/", "/go/bin/", "/.bun/bin/", "/.deno/bin/", "/.local/pipx/", "/.rustup/",
                   "/.linuxbrew/", "/.gem/", "/.juliaup/", "/conda/", "/miniconda3/", "/anaconda3/",
                   "/.venv/bin/", "/venv/bin/", "/.local/share/pnpm/")
MAX_SCRIPT = 256 * 1024  # a larger file on PATH is a bundled tool, judged by its name

# Every git subcommand git itself has (git help -a, 2.39): an alias of one of these is ignored.
GIT_COMMANDS = frozenset("""
add am annotate apply archimport archive bisect blame branch bugreport bundle cat-file check-attr
check-ignore check-mailmap check-ref-format checkout checkout-index cherry cherry-pick citool clean clone
column commit commit-graph commit-tree config count-objects credential credential-cache credential-store
cvsexportcommit cvsimport cvsserver daemon describe diagnose diff diff-files diff-index diff-tree difftool
fast-export fast-import fetch fetch-pack filter-branch fmt-merge-msg for-each-ref for-each-repo format-patch
fsck fsck-objects gc get-tar-commit-id gitk gitweb grep gui hash-object help hook http-backend imap-send
index-pack init init-db instaweb interpret-trailers log ls-files ls-remote ls-tree mailinfo mailsplit
maintenance merge merge-base merge-file merge-index merge-one-file merge-tree mergetool mktag mktree mv
multi-pack-index name-rev notes p4 pack-objects pack-redundant pack-refs patch-id prune prune-packed pull
push quiltimport range-diff read-tree rebase receive-pack reflog remote repack replace request-pull rerere
reset restore rev-list rev-parse revert rm scalar send-email send-pack sh-i18n sh-setup shortlog show
show-branch show-index show-ref sparse-checkout stage stash status stripspace submodule svn switch
symbolic-ref tag unpack-file unpack-objects update-index update-ref update-server-info upload-archive
upload-pack var verify-commit verify-pack verify-tag version whatchanged worktree write-tree
""".split())
_GIT_VALUE_OPTIONS = frozenset({"-c", "-C", "--git-dir", "--work-tree", "--namespace", "--config-env",
                                "--super-prefix", "--exec-path"})


def path_entries(cmd: Command, scan) -> list[str]:
    """The PATH the command will search: its own assignment, the line's, else guardsh's own;
    a run-time part ($PATH) stands for guardsh's own PATH."""
    inherited = os.environ.get("PATH", "")
    word = cmd.assigns.get("PATH")
    value = word.text if word is not None else scan.vars.get("PATH", inherited)
    entries: list[str] = []
    for entry in value.split(":"):
        if entry == DYN:
            entries += inherited.split(":")
        elif DYN not in entry:
            entries.append(entry or ".")
    return entries


def _search_dirs(cmd: Command, scan) -> list[str]:
    """path_entries as absolute, normal directories, worked out once per PATH
    value and working directory in a line (every command of every line asks)."""
    key = (cmd.assigns["PATH"].text if "PATH" in cmd.assigns else scan.vars.get("PATH"), scan.cwd)
    cache = scan.__dict__.setdefault("_search_dirs", {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = [os.path.normpath(e if e.startswith("/") else scan.abs_path(e))
                              for e in path_entries(cmd, scan)]
    return found


def which(name: str, cmd: Command, scan) -> str | None:
    """The file bash will run for `name`, as its PATH search finds it (stat only). A file
    the line writes before this command is the one found, whatever is on disk now."""
    if "/" in name or name in (".", ".."):
        return None  # a name with a slash is not searched for on PATH
    for directory in _search_dirs(cmd, scan):
        full = directory + "/" + name if directory != "/" else "/" + name
        if full in scan.written:
            return full
        try:
            st = os.stat(full)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_mode & 0o111:
            return full
    return None


def installed(path: str) -> bool:
    real = os.path.realpath(path)
    return real.startswith(INSTALLED_PREFIXES) or any(part in real for part in INSTALLED_PARTS)


def script_on_path(name: str, cmd: Command, scan) -> str | None:
    """The path of a small text file with a shebang that `name` resolves to outside the
    installed software; None when the name is a builtin, a binary or installed software
    (then it is judged by its name)."""
    if name in BASH_BUILTINS or not name or cmd.argv[0].dynamic:
        return None
    full = which(name, cmd, scan)
    if full is None or installed(full):
        return None
    if full in scan.written:
        return full  # written earlier on this line: read_script says it cannot be read now
    try:
        with open(full, "rb") as f:
            head = f.read(2)
        size = os.path.getsize(full)
    except OSError:
        return None
    return full if head == b"#!" and size <= MAX_SCRIPT else None


def shebang(text: str) -> list[str]:
    """The interpreter's argv from a `#!` line: `#!/usr/bin/env -S python3 -u` -> [python3, -u]."""
    first = text.split("\n", 1)[0]
    if not first.startswith("#!"):
        return []
    words = first[2:].split()
    if words and os.path.basename(words[0]) == "env":
        words = [w for w in words[1:] if w not in ("-S", "--split-string") and not w.startswith("-")] or words[:1]
    if words:
        words[0] = os.path.basename(words[0])
    return words


# --- git ------------------------------------------------------------------

def git_subcommand(cmd: Command) -> tuple[int, str] | None:
    """(index in argv, name) of git's subcommand, after its global options."""
    from ..argv import parse_args

    parsed, i = parse_args(cmd.args, _GIT_VALUE_OPTIONS, stop_at_first_positional=True)
    if i >= len(cmd.args):
        return None
    return i + 1, cmd.args[i].text


def git_alias(cmd: Command, scan) -> tuple[str, str] | None:
    """("alias", value) when `git X` is an alias in the repository's or the user's git config,
    ("path", file) when X is a `git-X` program on PATH, ("unknown", why) when the config
    cannot be read, None when X is git's own or nothing."""
    found = git_subcommand(cmd)
    if found is None:
        return None
    index, sub = found
    if sub == "config":
        _remember_alias(cmd.argv[index + 1:], scan)
    if sub in GIT_COMMANDS or DYN in sub or sub.startswith("-"):
        return None
    if sub in scan.git_aliases:  # set earlier on this line: git config alias.X ...
        value = scan.git_aliases[sub]
        return ("alias", value) if DYN not in value else ("unknown", f"git alias {sub} set to a run-time value")
    value = _git_config_alias(cmd, scan, sub)
    if value is not None:
        return value
    external = which(f"git-{sub}", cmd, scan)
    if external is not None and not installed(external):
        return "path", external
    return None


def _remember_alias(args: list[Word], scan) -> None:
    """`git config [--global] alias.X VALUE` earlier on the line defines what `git X` runs."""
    words = [w.text for w in args if not w.text.startswith("--") or w.text in ("--add",)]
    words = [w for w in words if w != "--add"]
    if len(words) >= 2 and words[0].lower().startswith("alias."):
        scan.git_aliases[words[0][6:]] = words[1]


def _git_config_alias(cmd: Command, scan, sub: str) -> tuple[str, str] | None:
    """`git config --get alias.X`, run as git will run it (its -C and -c, in the line's
    directory, with the line's HOME), so includes and conditional includes count."""
    import subprocess

    from ..argv import parse_args

    parsed, _ = parse_args(cmd.args, _GIT_VALUE_OPTIONS, stop_at_first_positional=True)
    for item in parsed.values.get("-c", []):  # git -c alias.x=...: the line says it
        key, _, value = item.partition("=")
        if key.lower() == f"alias.{sub}".lower():
            return ("alias", value) if DYN not in value else ("unknown", f"git -c alias.{sub} built at run time")
    argv = ["git"]
    for opt in ("-C", "--git-dir", "--work-tree"):
        for value in parsed.values.get(opt, []):
            if DYN in value:
                return "unknown", f"git {opt} only known at run time"
            argv += [opt, value]
    env = dict(os.environ, HOME=scan.home, GIT_TERMINAL_PROMPT="0")
    env.pop("GIT_DIR", None)
    try:
        done = subprocess.run(argv + ["config", "--get", f"alias.{sub}"], cwd=scan.cwd or None, env=env,
                              capture_output=True, text=True, timeout=2, stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        return None  # no git: `git X` fails, nothing runs
    except (OSError, subprocess.SubprocessError) as error:
        return "unknown", f"git config could not be read: {type(error).__name__}"
    if done.returncode == 0:
        return "alias", done.stdout.rstrip("\n")
    if done.returncode == 1:
        return None  # no such alias
    return "unknown", f"git config failed: {done.stderr.strip()[:120]}"


def expand_git(cmd: Command, scan) -> bool:
    """Judge what `git X` runs when X is an alias or a git-X program; True when the alias
    replaced the command (the expansion is what runs)."""
    import shlex

    resolved = git_alias(cmd, scan)
    if resolved is None:
        return False
    how, value = resolved
    index, sub = git_subcommand(cmd)  # cmd.argv[index] is the subcommand
    rest = cmd.argv[index + 1:]
    label = f"git alias {sub}"
    if how == "unknown":
        cmd.effects.append(Effect("shell.dynamic-command", target=f"git {sub}", detail=value))
        return False
    if label in scan.calls:
        return True  # git refuses an alias loop
    scan.calls.append(label)
    try:
        if how == "path":
            scan.emit(Command(argv=[Word(value, value)] + rest, assigns=cmd.assigns, redirects=cmd.redirects,
                              stdin=cmd.stdin, via=cmd.via + (f"git {sub}",)))
            return False
        if value.startswith("!"):  # a shell alias: `sh -c '<value> "$@"' <value> ARGS`
            line = value[1:] + "".join(" " + (shlex.quote(w.text) if DYN not in w.text else "\"$1\"") for w in rest)
            scan.parse(line, cmd.via + (label,), stdin=cmd.stdin)
            return True
        try:
            words = shlex.split(value)
        except ValueError:
            cmd.effects.append(Effect("shell.dynamic-command", target=f"git {sub}", detail=f"alias {value!r}"))
            return False
        argv = cmd.argv[:index] + [Word(w, w) for w in words] + rest
        scan.emit(Command(argv=argv, assigns=cmd.assigns, redirects=cmd.redirects, stdin=cmd.stdin,
                          via=cmd.via + (label,)))
        return True
    finally:
        scan.calls.remove(label)


# --- package runners --------------------------------------------------------

def package_bin(word: Word, scan) -> Word:
    """The command a package runner starts for a package spec: `prisma@5` -> prisma,
    `@railway/cli` -> railway (its package.json's bin when installed here, else the
    scope of a `cli` package), `./node_modules/.bin/x` stays as it is."""
    text = word.text
    if DYN in text or text.startswith((".", "/")) or "@" not in text:
        return word
    scoped = text.startswith("@")
    name = "@" + text[1:].split("@", 1)[0] if scoped else text.split("@", 1)[0]
    bins = _installed_bins(name, scan)
    if len(bins) == 1:
        return Word(bins[0], text)
    short = name.rsplit("/", 1)[-1]
    if short in bins:
        return Word(short, text)
    if scoped and (short == "cli" or short.endswith("-cli")):
        scope = name[1:].split("/", 1)[0]
        short = scope if short == "cli" else short[:-4]
    return Word(short, text)


def _installed_bins(name: str, scan) -> list[str]:
    import json

    if scan.cwd is None:
        return []
    try:
        with open(os.path.join(scan.cwd, "node_modules", name, "package.json"), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return []
    found = data.get("bin") if isinstance(data, dict) else None
    if isinstance(found, str):
        return [name.rsplit("/", 1)[-1]]
    return sorted(k for k in found if isinstance(k, str)) if isinstance(found, dict) else []
