"""Installing the pinned agents, the recording launcher in front of guardsh,
and running an agent against the fake model inside a loopback-only network
namespace (fake_model.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from helpers import GUARDSH, ask_instead_of_keeping, guardsh_env

HERE = Path(__file__).resolve().parent
SHAPES = HERE / "shapes"
PINNED = {"claude-code": ("@anthropic-ai/claude-code", "2.1.332"), "codex": ("@openai/codex", "0.171.0"),
          "gemini": ("@google/gemini-cli", "0.61.0")}
CACHE = Path(os.environ.get("GUARDSH_REAL_AGENTS_CACHE") or Path.home() / ".cache" / "guardsh-real-agents")
BIN = {"claude-code": "claude", "codex": "codex", "gemini": "gemini"}
BASE_URL = "http://127.0.0.1:18080"
AGENT_TIMEOUT = 90  # seconds for one agent run; the model answers at once, so a run takes a few


def npm_reachable() -> str | None:
    """Why npm's registry cannot be reached, or None."""
    if not shutil.which("npm"):
        return "npm is not installed"
    try:
        r = subprocess.run(["npm", "ping"], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "`npm ping` timed out"
    return None if r.returncode == 0 else f"`npm ping` failed: {(r.stderr or r.stdout).strip()[-300:]}"


def install_agent(agent: str) -> Path:
    """The pinned release's launcher, from the cache, installed there first if needed.
    Skips the test only when npm cannot be reached; any other install failure fails it."""
    package, version = PINNED[agent]
    home = CACHE / f"{package.split('/')[-1]}@{version}"
    launcher = home / "node_modules" / ".bin" / BIN[agent]
    if launcher.exists():
        return launcher
    why = npm_reachable()
    if why:
        pytest.skip(f"{package}@{version} is not cached in {CACHE} and npm cannot be reached: {why}")
    CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{home.name}.", dir=CACHE))
    try:
        r = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(staging),
                            f"{package}@{version}"], capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, f"npm install {package}@{version} failed:\n{r.stderr[-2000:]}"
        assert (staging / "node_modules" / ".bin" / BIN[agent]).exists(), r.stdout + r.stderr
        if version not in _version(staging, agent) and agent == "claude-code":
            # Newer npm may skip the package's postinstall (allowScripts), which puts the native
            # binary in place of the bin/claude.exe stub; run it as npm would have.
            subprocess.run(["node", "install.cjs"], cwd=staging / "node_modules" / package, timeout=300,
                           capture_output=True)
        assert version in _version(staging, agent), f"{package}@{version} does not run after npm install"
        staging.rename(home)  # whole or not at all: a half-finished install is never reused
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return launcher


def _version(prefix: Path, agent: str) -> str:
    """What `AGENT --version` prints (in a namespace without network: it must not need one)."""
    try:
        r = subprocess.run(["unshare", "-n", str(prefix / "node_modules" / ".bin" / BIN[agent]), "--version"],
                           capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return ""
    return r.stdout + r.stderr


def netns_problem() -> str | None:
    """Why a loopback-only network namespace cannot be made here, or None."""
    for tool in ("unshare", "ip"):
        if not shutil.which(tool):
            return f"{tool} is not installed (tests/system/real_agents/ci-setup.sh installs it)"
    r = subprocess.run(["unshare", "-n", "ip", "link", "set", "lo", "up"], capture_output=True, text=True,
                       timeout=20)
    return None if r.returncode == 0 else f"`unshare -n` failed (needs root): {r.stderr.strip()}"


# --- the recording launcher ---------------------------------------------------

RECORDER = '''#!{python}
# Records how an agent runs guardsh (argv, cwd, the names of its environment,
# a hook's JSON, and the files its command line names: snapshots, wrappers),
# then runs guardsh in this same process, so guardsh sees this file as its own
# launcher exactly as it would see ~/.local/bin/guardsh.
import io, json, os, re, shutil, sys, time
LOG = {log!r}
FILES = {files!r}
args = sys.argv[1:]
entry = {{"argv0": os.path.basename(sys.argv[0]), "argv": args, "cwd": os.getcwd(),
          "env": sorted(os.environ), "pid": os.getpid(), "time": time.time()}}
if args[:1] == ["hook"]:
    data = sys.stdin.buffer.read()
    entry["stdin"] = data.decode("utf-8", "replace")
    sys.stdin = io.TextIOWrapper(io.BytesIO(data))
copied = {{}}
for path in re.findall(r"/[^\\s'\\"\\\\;&|<>()]+", " ".join(args)):
    if (os.path.isfile(path) and not path.startswith(("/usr/", "/bin/", "/etc/", "/dev/"))
            and os.path.getsize(path) < 2000000):
        target = os.path.join(FILES, re.sub(r"[^A-Za-z0-9_.-]", "_", path.strip("/")))
        try:
            shutil.copyfile(path, target)
            copied[path] = target
        except OSError:
            pass
entry["files"] = copied
with open(LOG, "a") as fh:
    fh.write(json.dumps(entry) + "\\n")
if {real!r}:
    os.execv({real!r}, [sys.argv[0]] + args)
from guardsh.frontends.cli import main
sys.exit(main())
'''


def make_launchers(bin_dir: Path, log: Path, files: Path) -> Path:
    """bin_dir/guardsh (the recorder) and the guardsh-bash link an agent is pointed at."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    files.mkdir(parents=True, exist_ok=True)
    launcher = bin_dir / "guardsh"
    launcher.write_text(RECORDER.format(python=sys.executable, log=str(log), files=str(files), real=""))
    launcher.chmod(0o755)
    (bin_dir / "guardsh-bash").symlink_to("guardsh")
    return launcher


def make_recording_bash(bin_dir: Path, log: Path, files: Path) -> Path:
    """bin_dir/bash: records like the guardsh launcher, then execs the real bash. Used to see
    what an agent does when nothing stands in its way (its snapshot, its wrappers)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    files.mkdir(parents=True, exist_ok=True)
    bash = bin_dir / "bash"
    bash.write_text(RECORDER.format(python=sys.executable, log=str(log), files=str(files),
                                    real=shutil.which("bash") or "/bin/bash"))
    bash.chmod(0o755)
    return bash


def read_jsonl(path: Path) -> list[dict]:
    """The whole lines of a JSONL file another process may be appending to: a
    line not yet ended by its newline is still being written (a Codex request
    is ~100 KB, more than one write), so it is left for the next read."""
    text = path.read_text() if path.exists() else ""
    return [json.loads(line) for line in text.split("\n")[:-1] if line.strip()]


def recorded(log: Path) -> list[dict]:
    return read_jsonl(log)


# --- one agent run --------------------------------------------------------------


def tool_results(requests: list[dict]) -> list[str]:
    """The text of each tool result the model received, in order (from the request that
    holds the longest conversation)."""
    out: list[str] = []
    for req in requests:
        body = req.get("body") or {}
        texts = []
        for message in body.get("messages") or []:
            for block in message.get("content") if isinstance(message.get("content"), list) else []:
                if isinstance(block, dict) and block.get("type") == "tool_result":
                    texts.append(_text(block.get("content")))
        for item in body.get("input") or []:
            if isinstance(item, dict) and item.get("type") == "function_call_output":
                texts.append(_text(item.get("output")))
        for content in body.get("contents") or []:  # Gemini
            for part in content.get("parts") or [] if isinstance(content, dict) else []:
                if isinstance(part, dict) and "functionResponse" in part:
                    response = part["functionResponse"].get("response") or {}
                    texts.append(_text(response.get("output") or response.get("error") or response))
        if len(texts) > len(out):
            out = texts
    return out


def _text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(_text(c.get("text", "") if isinstance(c, dict) else c) for c in content)
    if isinstance(content, dict):
        return _text(content.get("text") or content.get("content") or json.dumps(content))
    return "" if content is None else str(content)


class Run:
    """One agent session: what it printed, and every request the model got."""

    def __init__(self, result: dict):
        self.__dict__.update(result)

    def tool_results(self) -> list[str]:
        return tool_results(self.requests)

    def describe(self) -> str:
        return (f"exit {self.returncode}{' (TIMED OUT)' if self.timed_out else ''} after {self.seconds}s\n"
                f"--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}\n"
                f"--- tool results\n" + "\n---\n".join(self.tool_results()))


class Live:
    """The requests the model has received so far, while the agent runs."""

    def __init__(self, path: Path, proc: subprocess.Popen):
        self.path, self.proc = path, proc

    def tool_results(self, n: int, timeout: float = 60) -> list[str]:
        """Wait until the model has received at least n tool results; return them."""
        deadline = time.monotonic() + timeout
        while True:
            requests = read_jsonl(self.path)
            texts = tool_results(requests)
            if len(texts) >= n:
                return texts
            assert self.proc.poll() is None, f"the agent session ended with {len(texts)} tool results, not {n}"
            assert time.monotonic() < deadline, f"{len(texts)} tool results after {timeout}s, not {n}"
            time.sleep(0.1)


def run_agent(argv: list, env: dict, cwd: Path, script: list[dict], work: Path,
              bind_mounts: list[tuple[str, str]] = (), timeout: float = AGENT_TIMEOUT,
              while_running=None) -> Run:
    """Run the agent and the fake model in a fresh network namespace (and, for bind mounts,
    a fresh mount namespace) and return what happened. `while_running(live)` is called
    meanwhile, to act as the human. Never hangs: the agent is killed at `timeout`, the
    namespace runner at `timeout` + 30."""
    work.mkdir(parents=True, exist_ok=True)
    stamp = f"{time.time():.6f}"
    spec_path, result_path, live_path = (work / f"{kind}-{stamp}.json" for kind in ("spec", "result", "live"))
    spec = {"argv": [str(a) for a in argv], "env": env, "cwd": str(cwd), "script": script,
            "timeout": timeout, "result": str(result_path), "live": str(live_path),
            "bind_mounts": [list(m) for m in bind_mounts]}
    spec_path.write_text(json.dumps(spec))
    unshare = ["unshare", "-n"] + (["-m", "--propagation", "private"] if bind_mounts else [])
    proc = subprocess.Popen([*unshare, sys.executable, str(HERE / "fake_model.py"), str(spec_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if while_running:
            while_running(Live(live_path, proc))
        _, err = proc.communicate(timeout=timeout + 30)
    finally:
        if proc.poll() is None:  # the test failed meanwhile: the runner kills the agent's group
            proc.terminate()
            try:
                proc.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0 and result_path.exists(), f"namespace runner failed:\n{err[-3000:]}"
    return Run(json.loads(result_path.read_text()))


def agent_env(home: Path, **extra) -> dict:
    """A minimal, realistic environment: no proxy, no telemetry, no update checks."""
    env = {
        "HOME": str(home), "USER": "root", "LOGNAME": "root", "SHELL": "/bin/bash", "LANG": "C.UTF-8",
        "TERM": "dumb", "PATH": "/usr/local/bin:/usr/bin:/bin",
        "XDG_CONFIG_HOME": str(home / ".config"), "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        # Claude Code
        "DISABLE_TELEMETRY": "1", "DISABLE_ERROR_REPORTING": "1", "DISABLE_AUTOUPDATER": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_NON_ESSENTIAL_MODEL_CALLS": "1",
        "DISABLE_BUG_COMMAND": "1", "CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY": "1",
        # Codex
        "CODEX_DISABLE_UPDATE_CHECK": "1", "NO_UPDATE_NOTIFIER": "1",
        # Gemini CLI
        "GEMINI_CLI_NO_RELAUNCH": "1",
    }
    env.update(extra)
    return env


def make_home(root: Path) -> tuple[Path, Path, Path]:
    """A user's home with Debian's stock ~/.bashrc and ~/.profile, a project with data/."""
    home = root / "home"
    project = home / "project"
    (project / "data").mkdir(parents=True)
    (project / "data" / "rows.csv").write_text("1,2,3\n")
    for name in (".bashrc", ".profile"):
        skel = Path("/etc/skel") / name
        if skel.exists():
            shutil.copyfile(skel, home / name)
    for sub in (".config", ".local/state", ".cache"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    return home, project, project / "data"


def approval_id(text: str) -> str | None:
    m = re.search(r"guardsh approve ([A-Z0-9]{6})", text)
    return m.group(1) if m else None


def approve(home: Path, rid: str) -> str:
    """`guardsh approve ID` as the human: on a pseudo-terminal, typing the phrase asked for."""
    import pexpect

    from guardsh.outcome.ancestry import inside_guardsh

    where = inside_guardsh({})
    if where:
        pytest.skip(f"the tests run inside guardsh, where `guardsh approve` is refused: {where}")
    env = guardsh_env(home)
    env.pop("GUARDSH_ACTIVE", None)
    child = pexpect.spawn(GUARDSH, ["approve", rid], cwd=str(home), env=env, timeout=20, encoding="utf-8")
    child.expect(r'Type "(.+)" to approve it')
    shown = child.before
    child.sendline(child.match.group(1))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, shown + child.before
    return shown + child.before


# --- a user's world: home, project, guardsh launcher ---------------------------------


class World:
    """One test's user: a home with Debian's stock rc files, a project with data/, the
    recording guardsh launcher in bin/, and everything the agent sent kept under root."""

    def __init__(self, root: Path):
        self.root = root
        self.home, self.project, self.data = make_home(root)
        self.log, self.files, self.work = root / "guardsh-calls.jsonl", root / "files", root / "work"
        self.bin = root / "bin"
        self.launcher = make_launchers(self.bin, self.log, self.files)
        # These tests are about refusing and approving: a deletion guardsh could keep a copy of
        # and then run (on_keepable's default, "snapshot") is asked about instead.
        ask_instead_of_keeping(self.home)

    def guardsh(self, *args: str, env: dict, status: int | None = 0) -> subprocess.CompletedProcess:
        """Run guardsh as the user does, in a loopback-only network namespace (`guardsh setup codex`
        starts Codex's app-server, which must reach nothing)."""
        r = subprocess.run(["unshare", "-n", str(self.launcher), *args], env=env, cwd=self.home,
                           capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert status is None or r.returncode == status, f"guardsh {' '.join(args)}: {r.stdout}{r.stderr}"
        return r

    def calls(self) -> list[dict]:
        return recorded(self.log)

    def audit(self) -> list[dict]:
        log = self.home / ".local/state/guardsh/audit.jsonl"
        return read_jsonl(log)

    def refusals(self) -> list[dict]:
        return [e for e in self.audit() if e.get("outcome") == "refused"]

    def remake_data(self) -> None:
        self.data.mkdir(exist_ok=True)
        (self.data / "rows.csv").write_text("1,2,3\n")

    def login_shell(self, shell: Path) -> tuple[str, str]:
        """A bind mount that makes `shell` root's login shell in /etc/passwd, in the agent's
        mount namespace only (Codex takes its shell from the password database)."""
        passwd = self.root / "passwd"
        lines = Path("/etc/passwd").read_text().splitlines()
        uid = os.getuid()
        out = []
        for line in lines:
            fields = line.split(":")
            if len(fields) == 7 and fields[2] == str(uid):
                fields[6] = str(shell)
            out.append(":".join(fields))
        passwd.write_text("\n".join(out) + "\n")
        return str(passwd), "/etc/passwd"


PROMPT = "Run the command."


def claude_env(world: World, **extra) -> dict:
    return agent_env(world.home, ANTHROPIC_BASE_URL=BASE_URL, ANTHROPIC_API_KEY="sk-ant-fake-key", **extra)


def run_claude(world: World, claude: Path, script: list[dict], env: dict | None = None, **kw) -> Run:
    # --allowedTools: Claude Code's own permission prompt cannot be answered in -p mode; the
    # hook and the shell are what is being tested, so its Bash tool is allowed outright.
    return run_agent([claude, "-p", PROMPT, "--allowedTools", "Bash"], env or claude_env(world), world.project,
                     script, world.work, **kw)


CODEX_CONFIG = """\
model = "gpt-5.1-codex"
model_provider = "fake"
approval_policy = "never"
sandbox_mode = "danger-full-access"
check_for_update_on_startup = false

[model_providers.fake]
name = "fake model on loopback"
base_url = "http://127.0.0.1:18080/v1"
wire_api = "responses"
env_key = "FAKE_MODEL_API_KEY"

[analytics]
enabled = false
"""


def codex_env(world: World, **extra) -> dict:
    codex_home = world.home / ".codex"
    if not codex_home.exists():
        codex_home.mkdir()
        (codex_home / "config.toml").write_text(CODEX_CONFIG)
    return agent_env(world.home, CODEX_HOME=str(codex_home), FAKE_MODEL_API_KEY="fake-key", **extra)


def run_codex(world: World, codex: Path, script: list[dict], login_shell: Path | None = None, **kw) -> Run:
    mounts = [world.login_shell(login_shell)] if login_shell else []
    return run_agent(["node", codex, "exec", "--skip-git-repo-check", PROMPT], codex_env(world), world.project,
                     script, world.work, bind_mounts=mounts, **kw)


def codex_app_server(codex: Path, env: dict, cwd: Path, calls: list[tuple[str, dict]], timeout: float = 60) -> list:
    """Ask Codex's app-server (guardsh's own client of it), in a loopback-only namespace like the
    agent; returns each call's result."""
    from guardsh.frontends.codex import app_server

    return app_server(calls, str(cwd), timeout=timeout, env=env,
                      argv=["unshare", "-n", "node", str(codex), "app-server"])


def codex_hooks(world: World, codex: Path) -> list[dict]:
    [listing] = codex_app_server(codex, codex_env(world), world.project,
                                 [("hooks/list", {"cwds": [str(world.project)]})])
    return [hook for entry in listing["data"] for hook in entry["hooks"]]


def trust_codex_hooks(world: World, codex: Path) -> list[dict]:
    """Trust every untrusted hook as Codex's own review screen does: hooks/list gives each
    hook's key and current hash, config/batchWrite stores them in config.toml
    ([hooks.state."KEY"] trusted_hash = "sha256:..."). Returns the hooks listed after."""
    state = {h["key"]: {"trusted_hash": h["currentHash"]} for h in codex_hooks(world, codex)
             if h["trustStatus"] in ("untrusted", "modified")}
    codex_app_server(codex, codex_env(world), world.project, [("config/batchWrite", {"edits": [
        {"keyPath": "hooks.state", "mergeStrategy": "upsert", "value": state}]})])
    return codex_hooks(world, codex)


def gemini_env(world: World, **extra) -> dict:
    """Gemini CLI with an API key, its API at the fake model (GOOGLE_GEMINI_BASE_URL, read by
    @google/genai), the project trusted (headless runs refuse an untrusted folder), no
    statistics, no update check."""
    settings = world.home / ".gemini" / "settings.json"
    if not settings.exists():
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(json.dumps({"security": {"auth": {"selectedType": "gemini-api-key"}},
                                        "privacy": {"usageStatisticsEnabled": False},
                                        "general": {"disableAutoUpdate": True}}, indent=2))
    return agent_env(world.home, GEMINI_API_KEY="fake-key", GOOGLE_GEMINI_BASE_URL=BASE_URL,
                     GEMINI_CLI_TRUST_WORKSPACE="true", **extra)


def run_gemini(world: World, gemini: Path, script: list[dict], **kw) -> Run:
    # --yolo: Gemini CLI's own confirmation cannot be answered headless; the hook is what is tested.
    return run_agent([gemini, "-p", PROMPT, "--yolo"], gemini_env(world), world.project, script, world.work, **kw)


# --- the refusal, the human's approval, the agent's retry -------------------------------


def refuse_approve_retry(world: World, run, destructive: str) -> tuple[Run, dict]:
    """The model asks for `destructive` three times: the first is refused, the human
    approves it (guardsh approve ID on a terminal), the retry runs, and a third identical
    request, with the data made again, is refused again: the approval was good for one run."""
    approved, remade = world.root / "approved", world.root / "remade"
    script = [{"command": destructive}, {"command": destructive, "wait_for": str(approved)},
              {"command": destructive, "wait_for": str(remade)}, {"text": "done"}]
    seen: dict = {}

    def human(live: Live) -> None:
        first = live.tool_results(1)[0]
        seen["refusal"], seen["data_survived_refusal"] = first, world.data.exists()
        rid = approval_id(first)
        assert rid, f"no `guardsh approve ID` in what the model received:\n{first}"
        seen["approve_screen"] = approve(world.home, rid)
        approved.touch()
        seen["retry"] = live.tool_results(2)[1]
        seen["data_gone_after_retry"] = not world.data.exists()
        world.remake_data()
        remade.touch()

    return run(script, while_running=human), seen
