"""bash as the oracle for guardsh's reader.

A line is run by real bash inside a sandbox (user, mount, network and PID
namespaces; a tmpfs root holding only bash, its libraries and a recording
stub; an unprivileged uid outside), with PATH pointing at a directory where
every program name the line could call is the stub (stub.c). Each external
command bash starts appends its argv, working directory and fds 0-2 to a
log and does nothing else. The line runs twice, with every stub exiting 0
and then 1, so that both sides of `&&` and `||` are seen. Bash's canonical
re-print of the line (`f() { LINE
}; declare -f f`) is collected too.

`guardsh_reading` is the one function that asks guardsh's reader what the
line runs; everything else here is harness and comparison.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOME = "/home/u"  # HOME inside the sandbox, and the home guardsh is told
DYN = "\x00"


# --------------------------------------------------------------------------- guardsh's side

# Labels of `via` that stay inside the same bash: a function body, eval, a
# sourced file, an alias, a backquote, `command`/`exec`/`time` before a
# program. Any other label is a program that runs the command itself (sudo,
# xargs, bash -c): bash starts that program, not what is inside it.
IN_SHELL = {"eval", "alias", "source", ".", "`...`", "arithmetic", "trap", "command", "builtin", "exec",
            "time", "coproc", "then", "!"}


class Seen:
    """One simple command as guardsh's reader hands it on, before wrappers
    (sudo, xargs, bash -c) are opened: what bash itself will run."""

    __slots__ = ("argv", "globs", "cwd", "redirects", "stdin", "function", "key", "source_key", "via")

    def __init__(self, cmd, cwd, function: bool):
        self.argv = [w.text for w in cmd.argv]
        self.globs = [w.glob for w in cmd.argv]
        self.cwd = cwd
        self.redirects = [(r.op, r.fd, r.target.text if r.target is not None else None) for r in cmd.redirects]
        self.stdin = cmd.stdin.kind if cmd.stdin is not None else None
        self.function = function
        self.key = id(cmd)
        self.source_key = id(cmd.stdin.source) if cmd.stdin is not None and cmd.stdin.source is not None else None
        self.via = cmd.via

    def __repr__(self):
        shown = " ".join(a.replace(DYN, "$?") for a in self.argv)
        return f"<{shown} cwd={self.cwd} redirects={self.redirects} via={self.via}>"


class Reading:
    def __init__(self, seen: list[Seen], unknown: list[str], fallback: bool = False):
        self.seen = seen  # in the order the reader met them
        self.unknown = unknown  # what guardsh says it cannot know (effect kinds), empty when it claims to know
        self.fallback = fallback  # read (in part) by the second reader, bashlex


def guardsh_reading(line: str, cwd: str, home: str = HOME) -> Reading:
    """THE adapter: guardsh's reading of `line` as the simple commands bash
    itself runs. It listens to the reader's hand-off point (ShellSession.emit,
    as guardsh/shell/read.py drives it); re-point it here when the reader moves."""
    from guardsh.shell import treesitter
    from guardsh.shell.budget import Budget
    from guardsh.shell.session import BudgetExceeded, ShellSession

    treesitter.get_parser()
    # The budget is not entered (`with`): entering it swaps builtins.__import__,
    # which two oracle threads must not do at once; 60 s of CPU is never reached.
    # With the program tables the judge reads with: a tool's own shell setup
    # (eval "$(ssh-agent -s)") is known by its table.
    scan = ShellSession(_programs(), cwd, home, Budget(60.0))
    seen: list[Seen] = []
    hand_on = scan.emit

    def listen(cmd):
        if all(_in_shell(label) for label in cmd.via):
            is_call = (cmd.name in scan.functions and cmd.name not in scan.maybe_functions
                       and not any(c[0] == cmd.name for c in scan.calls if isinstance(c, tuple)))
            seen.append(Seen(cmd, scan.cwd, is_call))
        hand_on(cmd)

    scan.emit = listen
    fell_back = []
    first_reader_failed = scan._fallback
    scan._fallback = lambda *a: fell_back.append(True) or first_reader_failed(*a)
    try:
        scan.parse(line)
    except BudgetExceeded:
        scan.report_unknown("shell.too-complex", (), "budget")
    except Exception as e:  # noqa: BLE001 - an adapter crash is guardsh's crash: record it
        scan.report_unknown("shell.internal-error", (), repr(e))
    unknown = sorted({e.kind for c in scan.commands for e in c.effects if e.kind.startswith("shell.")})
    return Reading(seen, unknown, bool(fell_back))


_ruleset_lock = threading.Lock()
_ruleset = []


def _programs() -> dict:
    with _ruleset_lock:
        if not _ruleset:
            from guardsh.policy.load import load_ruleset

            _ruleset.append(load_ruleset(user_file=""))
    return _ruleset[0].programs


def _in_shell(label: str) -> bool:
    return label.endswith("()") or label.split(" ", 1)[0] in IN_SHELL


# --------------------------------------------------------------------------- the sandbox

def build_stub(directory: Path) -> Path:
    out = directory / "oracle-stub"
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise RuntimeError("no C compiler for the recording stub")
    for flags in (["-static"], []):
        r = subprocess.run([cc, "-O2", *flags, "-o", str(out), str(HERE / "stub.c")], capture_output=True)
        if r.returncode == 0:
            return out
    raise RuntimeError(f"cannot build the stub: {r.stderr.decode()}")


def sandbox_command(root: str, stub: str, bash: str) -> list[str]:
    """Namespaces without privilege: as root, first become nobody, so that
    even the sandbox's root is nobody on the host (it cannot write
    /proc/sysrq-trigger, nor any file of the host)."""
    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    return [*drop, "unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork",
            "--kill-child", "--", _python(), "-I", "-S", "-c", DRIVER, root, stub, bash, ",".join(REAL)]


# Programs whose output guardsh computes (analyse.output_of): in the sandbox
# they run for real after being recorded. They only read and print.
REAL = ("cat", "base64", "xxd")


def _python() -> str:
    """An interpreter nobody may run (a venv's may live under /root)."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.path.exists(candidate):
            return candidate
    return sys.executable


def sandbox_available() -> str | None:
    """None when sandboxes can be made here, else why not: the only reason to
    skip is a system without user namespaces (unshare). A missing C compiler
    is a failure of the test's set-up (.ci/run installs one), not a skip."""
    if shutil.which("unshare") is None:
        return "unshare is missing (util-linux)"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return "setpriv is missing"
    cmd = sandbox_command("/", "/", "/")
    cmd = cmd[:cmd.index("--") + 1] + ["true"]
    r = subprocess.run(cmd, capture_output=True)
    return None if r.returncode == 0 else f"cannot unshare: {r.stderr.decode().strip()}"


class Sandbox:
    """One sandbox process; `run(job)` sends a line and returns what bash did.
    Jobs are dicts: line, cwd, stubs (names), paths (absolute stub paths),
    dirs (directories to create first), rcs (stub exit statuses), declare."""

    def __init__(self, stub: Path):
        self.dir = tempfile.mkdtemp(prefix="guardsh-oracle-")
        os.chmod(self.dir, 0o755)
        self.proc = subprocess.Popen(sandbox_command(self.dir, str(stub), os.path.realpath(shutil.which("bash"))),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8", errors="surrogateescape")
        self.lock = threading.Lock()
        ready = self.proc.stdout.readline()
        if ready.strip() != "ready":
            raise RuntimeError(f"sandbox did not start: {ready}{self.proc.stderr.read()}")

    def run(self, job: dict) -> dict:
        with self.lock:
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
            answer = self.proc.stdout.readline()
        if not answer:
            raise RuntimeError(f"sandbox died: {self.proc.stderr.read()}")
        return json.loads(answer)

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


# Runs inside the namespaces, as their root (nobody outside). argv: ROOT STUB BASH.
DRIVER = r'''
import ctypes, json, os, resource, shutil, signal, subprocess, sys
root, stub, bash = sys.argv[1:4]
REAL = sys.argv[4].split(",")
libc = ctypes.CDLL(None, use_errno=True)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 2, 4, 8, 32, 4096

def mount(src, dst, fstype, flags, data=None):
    enc = lambda s: s.encode() if s is not None else None
    if libc.mount(enc(src), enc(dst), enc(fstype), flags, enc(data)) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "mount %s on %s: %s" % (src, dst, os.strerror(e)))

def copy_in(path, where=None):
    dest = root + (where or path)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    shutil.copy(path, dest)

mount("tmpfs", root, "tmpfs", MS_NOSUID, "size=256m,mode=755")
for d in (".o", ".s", "w", "home/u", "tmp", "proc", "dev", "etc", "usr/bin", "bin"):
    os.makedirs(os.path.join(root, d), exist_ok=True)
os.chmod(root + "/tmp", 0o1777)
copy_in(bash, "/.o/bash")
copy_in(stub, "/.o/stub")
binaries = [bash]
for name in REAL:
    found = shutil.which(name)
    if found:
        copy_in(os.path.realpath(found), "/.r/" + name)
        binaries.append(os.path.realpath(found))
for lib in subprocess.run(["ldd", *binaries], capture_output=True, text=True).stdout.split():
    if lib.startswith("/") and not lib.endswith(":") and not os.path.exists(root + lib):
        copy_in(lib)
if os.path.isdir("/usr/lib/locale/C.utf8"):
    shutil.copytree("/usr/lib/locale/C.utf8", root + "/usr/lib/locale/C.utf8")
for name in ("null", "zero", "urandom"):
    open(root + "/dev/" + name, "w").close()
    mount("/dev/" + name, root + "/dev/" + name, None, MS_BIND)
for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                     ("stderr", "/proc/self/fd/2")):
    os.symlink(target, root + "/dev/" + name)
mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
os.chroot(root)
os.chdir("/")
open("/.o/in", "w").close()
resource.setrlimit(resource.RLIMIT_FSIZE, (16 << 20, 16 << 20))
resource.setrlimit(resource.RLIMIT_NPROC, (400, 400))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

def reap():
    try:
        os.kill(-1, signal.SIGKILL)  # everything in this PID namespace but us
    except ProcessLookupError:
        pass
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return

def bash_run(argv, cwd, env, timeout):
    open("/.o/log", "w").close()
    with open("/.o/in") as i, open("/.o/out", "w") as o, open("/.o/err", "w") as e:
        p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=i, stdout=o, stderr=e, start_new_session=True)
    try:
        rc, timed_out = p.wait(timeout), False
    except subprocess.TimeoutExpired:
        rc, timed_out = None, True
    reap()
    records = []
    with open("/.o/log", encoding="utf-8", errors="surrogateescape") as f:
        for raw in f:
            try:
                records.append(json.loads(raw))
            except ValueError:
                pass
    def tail(path):
        with open(path, "rb") as f:
            return f.read(8000).decode("utf-8", "surrogateescape")
    return {"rc": rc, "timeout": timed_out, "records": records, "err": tail("/.o/err"), "out": tail("/.o/out")}

sys.stdout.write("ready\n")
sys.stdout.flush()
for raw in sys.stdin:
    job = json.loads(raw)
    for name in job.get("stubs", ()):
        if name and "/" not in name and name not in (".", ".."):
            for d in ("/.s/", "/bin/", "/usr/bin/"):  # PATH, and `command -p`'s default path
                try:
                    os.link("/.o/stub", d + name)
                except OSError:
                    pass
    for path in job.get("paths", ()):
        if path.startswith("/") and not path.startswith(("/.o", "/.s", "/.r", "/proc", "/dev", "/lib", "/usr/lib")):
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                os.link("/.o/stub", path)
            except OSError:
                pass
    runs = []
    for rc in job.get("rcs", (0, 1)):
        shutil.rmtree(job["cwd"], ignore_errors=True)
        shutil.rmtree("/home/u", ignore_errors=True)
        for d in [job["cwd"], "/home/u"] + job.get("dirs", []):
            try:
                os.makedirs(d, exist_ok=True)
            except OSError:
                pass
        for f in job.get("files", []):
            try:
                if not os.path.exists(f):
                    open(f, "w").close()
            except OSError:
                pass
        env = {"PATH": "/.s", "HOME": "/home/u", "TMPDIR": "/tmp", "LC_ALL": "C.UTF-8", "ORACLE_RC": str(rc)}
        runs.append(bash_run(["/.o/bash", "-c", job["line"]], job["cwd"], env, job.get("timeout", 3)))
    declared = None
    if job.get("declare"):
        env = {"PATH": "/nonexistent", "LC_ALL": "C.UTF-8"}
        r = bash_run(["/.o/bash", "-c", "f() {\n" + job["line"] + "\n}\ndeclare -f f"], "/", env, 3)
        declared = r["out"] if r["rc"] == 0 else None
    sys.stdout.write(json.dumps({"runs": runs, "declared": declared}) + "\n")
    sys.stdout.flush()
'''


# --------------------------------------------------------------------------- comparison

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+@%:,=~-]*")


def job_for(line: str, reading: Reading, cwd: str, declare: bool = True) -> dict:
    """What the sandbox must hold for `line`: a stub for every name the line
    could call, and the directories it cds or redirects into (so that a
    missing directory, a run-time failure, does not hide the structure)."""
    names = set(_NAME.findall(line))
    paths, dirs, files = set(), set(), set()
    for s in reading.seen:
        if not s.argv or DYN in s.argv[0]:
            continue
        first = s.argv[0]
        if "/" in first:
            paths.add(_abs(first, s.cwd))
        else:
            names.add(first)
        if s.argv[0] in ("cd", "pushd") and len(s.argv) > 1 and DYN not in s.argv[1] and s.cwd:
            dirs.add(_abs(s.argv[1], s.cwd))
        for op, fd, target in s.redirects:
            if target and DYN not in target and op not in ("<<", "<<<") and not target.isdigit() and s.cwd:
                dirs.add(os.path.dirname(_abs(target, s.cwd)))
                if op in ("<", "<>"):
                    files.add(_abs(target, s.cwd))  # a file read must exist, or the command does not run
    return {"line": line, "cwd": cwd, "stubs": sorted(n for n in names if len(n) < 200),
            "paths": sorted(paths), "dirs": sorted(d for d in dirs if not d.startswith(_SANDBOX_OWN)),
            "files": sorted(f for f in files if not f.startswith(_SANDBOX_OWN)),
            "rcs": [0, 1], "declare": declare}


_SANDBOX_OWN = ("/.o", "/.s", "/.r", "/proc", "/dev", "/lib", "/usr/lib")


def _abs(path: str, cwd: str | None) -> str:
    if path.startswith(DYN):
        return path  # "$DIR/x": absolute or not, only run time knows
    if path.startswith("~/") or path == "~":
        path = HOME + path[1:]
    if cwd is None and not path.startswith("/"):
        return DYN + "/" + path  # guardsh does not know the directory
    return os.path.normpath(os.path.join(cwd or "/", path))


def bytes_back(s: str) -> str:
    """The stub writes bytes >= 0x80 as latin-1 code points: undo that."""
    try:
        return s.encode("latin-1").decode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return s


def _bash_fd(value: str) -> str | None:
    value = bytes_back(value)
    if value in ("/.o/in", "/.o/out", "/.o/err"):
        return None  # what bash itself was given: nothing redirected
    if value.startswith("pipe:"):
        return "pipe"
    if value.startswith("/tmp/sh-thd") or value.endswith(" (deleted)"):
        return "text"
    return value


def expected_fds(s: Seen, writers: set[int]) -> dict[int, str | None]:
    """Where guardsh says fds 0-2 of a command point: a path, "pipe", "text"
    (a heredoc), "closed", or None (left as the shell had it)."""
    fds: dict[int, str | None] = {0: None, 1: None, 2: None}
    if s.stdin == "command":
        fds[0] = "pipe"
    elif s.stdin == "text":
        fds[0] = "text"
    if s.key in writers:
        fds[1] = "pipe"
    for op, fd, target in s.redirects:
        n = int(fd) if fd and fd.isdigit() else None
        if op in ("<<", "<<<", "<<-"):
            fds[n if n is not None else 0] = "text"
        elif target is None:
            continue
        elif op in ("&>", "&>>") or op == ">&" and n is None and not target.isdigit() and target != "-":
            fds[1] = fds[2] = _abs(target, s.cwd)
        elif op in (">&", "<&"):
            n = n if n is not None else (1 if op == ">&" else 0)
            if target == "-":
                fds[n] = "closed"
            elif target.isdigit():
                fds[n] = fds.get(int(target))
        elif op in (">", ">>", ">|"):
            fds[n if n is not None else 1] = _abs(target, s.cwd)
        elif op in ("<", "<>"):
            fds[n if n is not None else 0] = "pipe" if _VIRTUAL.fullmatch(target) else _abs(target, s.cwd)
    return {k: v for k, v in fds.items() if k in (0, 1, 2)}


_VIRTUAL = re.compile(r"/dev/fd/guardsh-\d+")


def _word_pattern(text: str) -> str:
    """A run-time value may become any text (or words); a file guardsh made up
    for <(...) is the /dev/fd/N bash passes."""
    out = []
    for i, part in enumerate(text.split(DYN)):
        if i:
            out.append(".*")
        last = 0
        for m in _VIRTUAL.finditer(part):
            out.append(re.escape(part[last:m.start()]) + r"/dev/fd/\d+")
            last = m.end()
        out.append(re.escape(part[last:]))
    return "".join(out)


def _argv_pattern(s: Seen) -> re.Pattern:
    pattern = ""
    for i, (text, glob) in enumerate(zip(s.argv, s.globs)):
        sep = "\x1f" if i else ""
        if glob or text == DYN:
            # A glob or an unquoted "$@" may become any number of words, or none.
            pattern += f"(?:{sep}.*)?" if i else ".*"
        else:
            pattern += sep + _word_pattern(text)
    return re.compile(pattern, re.S)


_BACKGROUND = re.compile(r"(?<![&>|<])&(?![&>])")


def _fd_agrees(expected: str | None, actual: str | None, fd: int, line: str) -> bool:
    if expected == actual:
        return True
    if expected is not None and actual is not None and DYN in expected:
        return re.fullmatch(_word_pattern(expected), actual, re.S) is not None
    if fd == 0 and expected is None and actual == "/dev/null" and _BACKGROUND.search(line):
        return True  # bash without job control gives `cmd &` /dev/null as stdin; guardsh leaves it unsaid
    if expected == "text" and actual in ("pipe", "text"):
        return True
    if actual == "pipe" and expected is None:
        return True  # a group's or function's commands write into (or read from) the pipe it is part of
    return False


class Disagreement:
    def __init__(self, kind: str, line: str, detail: str):
        self.kind, self.line, self.detail = kind, line, detail

    def __repr__(self):
        return f"[{self.kind}] {self.line!r}: {self.detail}"


def processes(reading: Reading, builtins: set[str]) -> list[Seen]:
    """The commands of a reading that bash starts as programs."""
    return [s for s in reading.seen
            if s.argv and not s.function and not (s.argv[0] in builtins and DYN not in s.argv[0])]


def compare(line: str, reading: Reading, result: dict, builtins: set[str]) -> list[Disagreement]:
    """bash's records against guardsh's reading: every program bash started
    must be one guardsh named, in the same directory, with the same files
    on fds 0-2."""
    found: list[Disagreement] = []
    expected = processes(reading, builtins)
    writers = {s.source_key for s in reading.seen if s.source_key is not None}
    patterns = [_argv_pattern(s) for s in expected]
    fds = [expected_fds(s, writers) for s in expected]
    for run in result["runs"]:
        if run["timeout"]:
            # A loop bounded at run time: what bash started until then is still compared.
            found.append(Disagreement("timeout", line, "bash ran past the time limit"))
        missing = re.findall(r"^/\.o/bash: line \d+: ([^:\s][^:]*): command not found$",
                             run["err"], re.M)
        for name in missing:
            found.append(Disagreement("not-found", line, f"bash looked for {name!r}, which guardsh did not name"))
        used: set[int] = set()
        for record in run["records"]:
            argv = [bytes_back(a) for a in record["argv"]]
            program = bytes_back(record.get("exe", ""))
            if argv and program.rsplit("/", 1)[-1] != argv[0].rsplit("/", 1)[-1]:
                argv[0] = program.rsplit("/", 1)[-1]  # exec -a NAME: the program is still the stub's
            cwd = bytes_back(record["cwd"])
            actual_fds = {n: _bash_fd(v) for n, v in enumerate(record["fd"])}
            joined = "\x1f".join(argv)
            candidates = [i for i, p in enumerate(patterns) if p.fullmatch(joined)]
            if not candidates:
                found.append(Disagreement("missed", line, f"bash ran {argv}; guardsh named {expected}"))
                continue

            def fits(i):
                return (expected[i].cwd in (None, cwd)
                        and all(_fd_agrees(fds[i][n], actual_fds[n], n, line) for n in (0, 1, 2)))

            good = [i for i in candidates if fits(i)]
            pick = next((i for i in good if i not in used), good[0] if good else None)
            if pick is not None:
                used.add(pick)
                continue
            i = next((i for i in candidates if i not in used), candidates[0])
            used.add(i)
            if expected[i].cwd not in (None, cwd):
                found.append(Disagreement("cwd", line, f"{argv} ran in {cwd}; guardsh says {expected[i].cwd}"))
            else:
                found.append(Disagreement("redirect", line, f"{argv} had fds {actual_fds}; guardsh says {fds[i]}"))
    return found


def structure(reading: Reading) -> list[tuple]:
    """The shape the re-print oracle compares: each command's words and redirects."""
    def fd(op, n):
        return n if n is not None or op.startswith("&") else ("0" if op.startswith("<") else "1")

    # A heredoc's or here-string's text is stdin, not a target (one reader keeps it, the other not).
    # Each shape once, in the order first met: a call of a function whose body was already
    # judged in the same state is not judged again (session.py's cache), and whether two
    # bodies are "the same" depends on their text, which the re-print changes.
    return list(dict.fromkeys(
        (tuple(s.argv), tuple((op, fd(op, n), None if op.startswith("<<") else t) for op, n, t in s.redirects))
        for s in reading.seen if s.argv or not all(_is_dup(r) for r in s.redirects)))  # `v=a 2>&1` opens nothing


def _is_dup(redirect) -> bool:
    op, _, target = redirect
    return op in (">&", "<&") and target is not None and (target.isdigit() or target == "-")


def declared_body(declared: str | None) -> str | None:
    """`declare -f f` prints `f () \\n{ \\n    BODY\\n}`: the body, dedented."""
    if not declared:
        return None
    lines = declared.rstrip("\n").split("\n")
    if len(lines) < 3 or not lines[0].startswith("f ()") or lines[1].strip() != "{" or lines[-1] != "}":
        return None
    return "\n".join(ln[4:] if ln.startswith("    ") else ln for ln in lines[2:-1])


def bash_builtins() -> set[str]:
    """Builtins never start a program. (Keywords are not here: `time` is one
    only at the start of a pipeline; `a | time` runs the program time.)"""
    r = subprocess.run(["bash", "-c", "compgen -b"], capture_output=True, text=True)
    return set(r.stdout.split())
