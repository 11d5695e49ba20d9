"""Commands that run other commands: sudo, env, timeout, xargs, find -exec,
bash -c, ssh, eval, ... Each is replaced by what it will run, so the rules
judge `rm -rf ~` whether it is typed plainly or behind three wrappers."""

from __future__ import annotations

import os

from ..argv import SHELL_VALUE_OPTIONS, parse_args, read_args
from ..identity import SUBCOMMANDS, runs_this_guardsh
from ..model import DYN, SHELL_SETUP, Command, Effect, Stdin, Word


class Wrapper:
    """How to find the command inside a wrapper's arguments."""

    __slots__ = ("value_options", "skip", "as_string", "no_run_flags", "string_options", "split_options",
                 "bare_words", "command_options")

    def __init__(self, values="", skip=0, as_string=False, no_run="", strings="", splits="", bare="",
                 commands=""):
        self.value_options = frozenset(values.split())
        self.skip = skip  # positionals before the command: timeout's DURATION, ssh's HOST
        self.as_string = as_string  # the rest is one shell line, as ssh and watch run it
        self.no_run_flags = frozenset(no_run.split())  # flags after which nothing runs
        self.string_options = frozenset(strings.split())  # options whose value is a shell line
        self.split_options = frozenset(splits.split())  # options whose value is split into argv
        self.bare_words = frozenset(bare.split())  # option-like words with no letter: `env -`
        self.command_options = frozenset(commands.split())  # the command's words follow: `nix develop -c CMD ARGS`


_w = Wrapper


WRAPPERS: dict[str, Wrapper] = {
    "sudo": _w("-u --user -g --group -h --host -p --prompt -C --close-from -D --chdir "
               "-r --role -t --type -U --other-user -T --command-timeout",
               no_run="-l --list -v --validate -k -K -V --version -e --edit"),
    "doas": _w("-u -C"),
    "run0": _w("--user -u --group -g --setenv --chdir -D --property --nice --machine"),
    "env": _w("-u --unset -C --chdir --default-signal --ignore-signal --block-signal", splits="-S --split-string",
              bare="-"),
    # Elevation: the command runs as another user or group.
    "pkexec": _w("--user"),
    "sg": _w("", skip=1, strings="-c"),
    "sshpass": _w("-p -f -d -P"),
    # Secret injectors: the command runs with production credentials in its environment.
    "envchain": _w("", skip=1),
    "summon": _w("-p --provider -f -D --up --environment"),
    "nohup": _w(),
    "setsid": _w(),
    "time": _w("-f --format -o --output"),
    "nice": _w("-n --adjustment"),
    "ionice": _w("-c --class -n --classdata -t"),
    "chrt": _w(skip=1),
    "taskset": _w(skip=1),
    "stdbuf": _w("-i -o -e --input --output --error"),
    "timeout": _w("-s --signal -k --kill-after", skip=1),
    "flock": _w("-w --wait --timeout -E --conflict-exit-code", skip=1, strings="-c --command"),
    "unbuffer": _w(),
    "caffeinate": _w("-t -w"),
    "torsocks": _w(),
    "proxychains": _w("-f"),
    "proxychains4": _w("-f"),
    "strace": _w("-o -e -p -s -u -E -P -I -a -b -X"),
    "ltrace": _w("-o -e -p -s -u -n -a"),
    "chroot": _w("--userspec --groups", skip=1),
    "nsenter": _w("-t --target -S --setuid -G --setgid"),
    "unshare": _w(),
    "firejail": _w(),
    "xvfb-run": _w("-n --server-num -e --error-file -f --auth-file -s --server-args -p"),
    "dbus-run-session": _w("--config-file --dbus-daemon"),
    "systemd-run": _w("-p --property -u --unit -E --setenv -M --machine --uid --gid -d "
                      "--working-directory --nice --slice --description"),
    "busybox": _w(),
    "toybox": _w(),
    "command": _w(no_run="-v -V"),
    "builtin": _w(),
    "exec": _w("-a"),
    "then": _w(),
    "watch": _w("-n --interval -q --equexit", as_string=True),
    "npx": _w("-p --package", strings="-c --call"),
    "fakeroot": _w("-l --lib --faked -s -i"),
    "script": _w("-E --echo -I --log-in -O --log-out -B --log-io -T --log-timing -m --logging-format",
                 strings="-c --command", no_run="-h --help -V --version"),
    "screen": _w("-S -c -e -h -p -T -X -L -Logfile"),
    "coproc": _w(),
    "bunx": _w("-p --package"),
    "pnpx": _w("-p --package"),

    "su": _w("-s --shell -g --group -G --supp-group -w --whitelist-environment",
             strings="-c --command --session-command", no_run="-h --help -V --version"),
    "runuser": _w("-u --user -s --shell -g --group -G --supp-group -w",
                  strings="-c --command --session-command"),
    "pdsh": _w("-w -x -l -R -t -u -f -g -X", as_string=True),
    "parallel-ssh": _w("-h -H -l -p -o -e -t -O -x -X", as_string=True),
    "pssh": _w("-h -H -l -p -o -e -t -O -x -X", as_string=True),
    "dsh": _w("-m -g -c -M -o -f", as_string=True),
}

SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "yash", "posh", "fish",
          "rbash", "guardsh", "guardsh-bash", "busybox-sh"}

# Subcommands that run a command somewhere else (a container, a remote
# host, a project environment): {program: {subcommand words: Wrapper}}.
# The command follows the subcommand, or `--`.
_EXEC_OPTS = "-e --env --env-file -u --user -w --workdir --detach-keys --index"
_RUN_OPTS = (_EXEC_OPTS + " -v --volume --mount -p --publish --name --network --net -l --label "
             "--entrypoint --platform --pull --cpus -m --memory --hostname -h --add-host --dns "
             "--cap-add --cap-drop --device --gpus --restart --log-driver --ulimit --shm-size "
             "--tmpfs --volumes-from --link --expose --health-cmd --cidfile")
_K8S_OPTS = "-c --container -n --namespace --context -f --filename --kubeconfig --pod-running-timeout"
REMOTE_RUNNERS: dict[str, dict[str, Wrapper]] = {
    "oc": {"exec": _w(_K8S_OPTS, skip=1), "rsh": _w(_K8S_OPTS, skip=1)},
    "docker": {"exec": _w(_EXEC_OPTS, skip=1), "compose exec": _w(_EXEC_OPTS, skip=1),
               "container exec": _w(_EXEC_OPTS, skip=1), "run": _w(_RUN_OPTS, skip=1),
               "container run": _w(_RUN_OPTS, skip=1), "compose run": _w(_RUN_OPTS, skip=1)},
    "podman": {"exec": _w(_EXEC_OPTS, skip=1), "compose exec": _w(_EXEC_OPTS, skip=1),
               "run": _w(_RUN_OPTS, skip=1)},
    "nerdctl": {"exec": _w(_EXEC_OPTS, skip=1)},
    "docker-compose": {"exec": _w(_EXEC_OPTS, skip=1)},
    "railway": {"run": _w("-s --service -e --environment -p --project"),
                "local": _w("-s --service -e --environment -p --project"),
                "ssh": _w("-s --service -e --environment -p --project -d --deployment-instance --session")},
    "heroku": {"run": _w("-a --app -r --remote -s --size -e --env --type"),
               "run:detached": _w("-a --app -r --remote -s --size -e --env --type")},
    "fly": {"ssh console": _w("-a --app -r --region -s --select -u --user", strings="-C --command")},
    "flyctl": {"ssh console": _w("-a --app -r --region -s --select -u --user", strings="-C --command")},
    "gcloud": {"compute ssh": _w("--zone --project", strings="--command")},
    "vagrant": {"ssh": _w("", strings="-c --command")},
    "render": {"ssh": _w("")},
    "tmux": {sub: _w("-s -n -t -c -x -y -F -e -l -L -S -f -p") for sub in (
        "new", "new-session", "new-window", "neww", "split-window", "splitw", "run-shell", "run", "respawn-pane")},
    # Project tool runners: `uv run CMD`, `poetry run CMD`, `pnpm exec CMD` ...
    "uv": {"run": _w("--with --python -p --project --directory --package --extra --group --env-file")},
    "uvx": {"*": _w("--with --from --python -p")},
    "poetry": {"run": _w("-C --directory -P --project")},
    "pipenv": {"run": _w("")},
    "pdm": {"run": _w("-p --project")},
    "hatch": {"run": _w("-e --env")},
    "rye": {"run": _w("")},
    "conda": {"run": _w("-n --name -p --prefix")},
    "bundle": {"exec": _w("")},
    "bun": {"x": _w("-p --package --bun")},
    "dotnet": {"tool run": _w("")},
    "npm": {"exec": _w("-p --package -w --workspace", strings="-c --call")},
    "pnpm": {"exec": _w("-C --dir -F --filter"), "dlx": _w("--package")},
    "yarn": {"exec": _w(""), "dlx": _w("-p --package")},
    "mise": {"exec": _w(""), "x": _w("")},
    "direnv": {"exec": _w("", skip=1)},
    "nix-shell": {"*": _w("-p --packages -A --attr -I", strings="--run --command")},
    "nix": {"develop": _w("--profile -i --keep --unset --impure", commands="-c --command"),
            "shell": _w("--profile -i --keep --unset", commands="-c --command")},
    "devbox": {"run": _w("-c --config -e --env --env-file")},
    # Secret injectors: the command runs with production credentials in its environment.
    "op": {"run": _w("--env-file --account --session --cache --config --encoding")},
    "doppler": {"run": _w("-p --project -c --config -t --token --mount --mount-format --fallback",
                          strings="--command")},
    "dotenv": {"*": _w("-e -c -v -p")},
    "dotenvx": {"run": _w("-f --env-file -e --env --convention -fk --env-keys-file")},
    "aws-vault": {"exec": _w("-d --duration -r --region -t --mfa-token --prompt --ec2-server --ecs-server", skip=1)},
    "infisical": {"run": _w("--env --projectId --path --token --domain -t --tags", strings="--command")},
    "sops": {"exec-env": _w("", skip=1), "exec-file": _w("--output-type --input-type --filename", skip=1)},
    "chamber": {"exec": _w("-b --backend")},
    "teller": {"run": _w("-c --config")},
    "berglas": {"exec": _w("--local")},
    "vault": {"agent": _w("-config")},
    # Remote and container execution.
    "tsh": {"ssh": _w("-l --login -p --port --proxy --cluster --user -A --forward-agent -L -N", skip=1)},
    "mosh": {"*": _w("--ssh -p --port --server --predict --family --bind-server", skip=1)},
    "lxc": {"exec": _w("--env --user --group --cwd --mode", skip=1)},
    "incus": {"exec": _w("--env --user --group --cwd --mode", skip=1)},
    "multipass": {"exec": _w("-d --working-directory", skip=1)},
    "limactl": {"shell": _w("--workdir --shell", skip=1)},
    "distrobox": {"enter": _w("-n --name -e --exec -a --additional-flags", skip=1)},
    "toolbox": {"run": _w("-c --container -d --distro -r --release")},
    "devcontainer": {"exec": _w("--workspace-folder --container-id --config --remote-env")},
    "machinectl": {"shell": _w("--uid -E --setenv", skip=1)},
    "flatpak-spawn": {"*": _w("--env --directory --forward-fd")},
    "kubectl": {"exec": _w(_K8S_OPTS, skip=1),
                "run": _w(_K8S_OPTS + " --image --restart --overrides --env --labels -l --port --serviceaccount "
                          "--image-pull-policy --annotations --requests --limits", skip=1),
                "debug": _w(_K8S_OPTS + " --image --target --profile --copy-to --share-processes "
                            "--set-image --env --custom", skip=1)},
}

_NOT_A_COMMAND = Word(DYN, "<unknown>")


def unwrap(cmd: Command, scan) -> bool:
    """Emit what `cmd` runs; return True when `cmd` itself is only a wrapper."""
    name = cmd.name
    if not cmd.argv:
        return False
    if name == "git":
        from .resolve import expand_git

        if expand_git(cmd, scan):
            return True
    if "ARGV0" in cmd.assigns and not cmd.assigns["ARGV0"].dynamic:
        _also_as(cmd, scan, cmd.assigns["ARGV0"].text, "ARGV0")  # zsh: ARGV0=rg BIN runs BIN as rg
    spec = scan.programs.get(name)
    if spec is not None and spec.behaves_as and spec.behaves_as != name:
        _emit_inner(cmd, scan, [Word(spec.behaves_as, cmd.argv[0].raw or name)] + cmd.args, name)
        return True
    if name == "ssh":
        return _unwrap_ssh(cmd, scan)
    if name in WRAPPERS:
        return _unwrap_generic(cmd, scan, WRAPPERS[name], name)
    if name in SHELLS and not (name.startswith("guardsh") and cmd.args and cmd.args[0].text in SUBCOMMANDS):
        return _unwrap_shell(cmd, scan)
    if name == "parallel" and cmd.args and cmd.args[0].text in (":::", "::::"):
        return _unwrap_parallel_lines(cmd, scan)
    if name in ("eval", "trap", "alias"):
        return _unwrap_string_builtin(cmd, scan, name)
    if name in ("source", "."):
        with redirections_of(cmd, scan):
            _run_script_file(cmd, scan, cmd.args[0] if cmd.args else None, f"{name} {cmd.args[0]}" if cmd.args else name)
        return False
    if name == "xargs":
        return _unwrap_xargs(cmd, scan)
    if name == "parallel":
        return _unwrap_parallel(cmd, scan)
    if name == "find":
        _unwrap_find(cmd, scan)
        return False
    if name in ("at", "batch"):
        _run_stdin(cmd, scan, name)
        return False
    if _database_shell(cmd, scan):
        return False
    if name in ("ansible", "salt", "salt-ssh", "salt-call"):
        return _unwrap_config_management(cmd, scan)
    if spec is not None and spec.script_file:
        _entry_point(cmd, scan)
    if name in PROJECT_RUNNERS:
        _run_project_script(cmd, scan)
    if name in REMOTE_RUNNERS:
        return _unwrap_remote(cmd, scan, REMOTE_RUNNERS[name])
    if "/" in cmd.argv[0].text and not cmd.argv[0].dynamic:
        _run_script_file(cmd, scan, cmd.argv[0], cmd.argv[0].text, executable=True)
    else:
        from .resolve import script_on_path

        found = script_on_path(name, cmd, scan)  # `tidy` is ~/bin/tidy: what bash will run
        if found is not None:
            _run_script_file(cmd, scan, Word(found, cmd.argv[0].raw), f"{name} ({found})", executable=True)
    return False


# Environment variables and options whose value a program runs as a shell line.
SHELL_LINE_VARIABLES = {"GIT_SSH_COMMAND", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "GIT_PAGER",
                        "GIT_EXTERNAL_DIFF", "GIT_ASKPASS", "SSH_ASKPASS", "PROMPT_COMMAND",
                        "EDITOR", "VISUAL", "PAGER", "MANPAGER", "LESSOPEN", "LESSCLOSE"}
_GIT_COMMAND_KEYS = {"core.pager", "core.sshcommand", "core.editor", "core.fsmonitor", "core.askpass",
                     "sequence.editor", "diff.external", "gpg.program", "credential.helper"}
_TAR_COMMAND_OPTIONS = {"--checkpoint-action", "--to-command", "-I", "--use-compress-program",
                        "--rsh-command", "--info-script", "-F", "--new-volume-script"}


def embedded_shell_lines(cmd: Command) -> list[tuple[str, str]]:
    """(label, line) for each shell line a program will run from its
    environment or options: GIT_SSH_COMMAND=..., git -c alias.x='!...',
    tar --to-command=..., sed's e command."""
    lines = [(f"{k}=", w.text) for k, w in cmd.assigns.items() if k in SHELL_LINE_VARIABLES]
    name = cmd.name
    if name == "git":
        parsed, _ = parse_args(cmd.args, frozenset({"-c", "-C", "--git-dir", "--work-tree"}),
                               stop_at_first_positional=True)
        for item in parsed.values.get("-c", []):
            key, _, value = item.partition("=")
            key = key.lower()
            if key.startswith(("alias.", "credential.")) and value.startswith("!"):
                lines.append((f"git -c {key}", value[1:]))
            elif key in _GIT_COMMAND_KEYS or key.startswith(("pager.", "filter.")):
                lines.append((f"git -c {key}", value))
    elif name in ("tar", "gtar", "bsdtar"):
        parsed, _ = parse_args(cmd.args, frozenset(_TAR_COMMAND_OPTIONS | {"-f", "--file", "-C"}))
        for opt in _TAR_COMMAND_OPTIONS:
            for value in parsed.values.get(opt, []):
                lines.append((f"tar {opt}", value.removeprefix("exec=")))
    elif name in ("sed", "gsed"):
        lines.extend(("sed e", line) for line in _sed_executes(cmd))
    elif name in ("aws", "az"):
        lines.extend(_remote_command_lines(cmd))
    return lines


def _remote_command_lines(cmd: Command) -> list[tuple[str, str]]:
    """Shell lines a cloud CLI sends to a machine: `aws ssm send-command
    --parameters commands=[...]`, `aws ssm start-session ... command=...`,
    `az vm run-command invoke --scripts ...`."""
    import json
    import re

    words = [w.text for w in cmd.args]
    positionals = [w for w in words if not w.startswith("-")]
    found = []
    if cmd.name == "aws" and positionals[:1] == ["ssm"]:
        for i, w in enumerate(words[:-1]):
            if w != "--parameters":
                continue
            value = words[i + 1]
            try:
                data = json.loads(value) if value.lstrip().startswith("{") else None
            except ValueError:
                data = None
            if isinstance(data, dict):
                for key in ("commands", "command"):
                    items = data.get(key)
                    found.extend(items if isinstance(items, list) else [items] if isinstance(items, str) else [])
                continue
            m = re.match(r"\s*commands?=(.*)$", value, re.S)
            if m:
                rest = m.group(1).strip()
                try:
                    items = json.loads(rest) if rest.startswith("[") else [rest.strip("'\"")]
                except ValueError:
                    items = [rest.strip("[]'\"")]
                found.extend(str(x) for x in items)
        return [("aws ssm --parameters", line) for line in found]
    if cmd.name == "az" and positionals[:2] == ["vm", "run-command"]:
        for i, w in enumerate(words):
            if w in ("--scripts", "--script"):
                for value in words[i + 1:]:
                    if value.startswith("-"):
                        break
                    found.append(value)
        return [("az vm run-command --scripts", line) for line in found]
    return []


def _sed_executes(cmd: Command) -> list[str]:
    """GNU sed runs a shell command with `e CMD`, and the pattern space with s///e."""
    import re

    parsed, _ = parse_args(cmd.args, frozenset({"-e", "--expression", "-f", "--file", "-l", "-s"}))
    scripts = parsed.values.get("-e", []) + parsed.values.get("--expression", [])
    if not scripts and parsed.positionals:
        scripts = [parsed.positionals[0].text]
    found = []
    for script in scripts:
        for m in re.finditer(r"(?:^|[;\n{}])\s*[0-9,$/^]*\s*e\s+([^;\n}]+)", script):
            found.append(m.group(1))
        part = r"(?:\\.|(?!\1).)*"  # up to the next unescaped delimiter
        if re.search(rf"(?:^|[;\n])\s*[0-9,$]*\s*s(.){part}\1{part}\1[gpIiMm0-9]*e", script):
            found.append(DYN)  # the pattern space, only known at run time
    return found


def _also_as(cmd: Command, scan, argv0: str, label: str) -> None:
    """Judge `cmd` also as the program its argv[0] says it is."""
    if argv0 and DYN not in argv0 and argv0.rsplit("/", 1)[-1] != cmd.name:
        assigns = {k: w for k, w in cmd.assigns.items() if k != "ARGV0"}
        scan.emit(Command([Word(argv0, argv0)] + cmd.args, assigns, cmd.redirects, cmd.stdin,
                          cmd.via + (f"{label} {argv0}",)))


def _emit_inner(cmd: Command, scan, argv: list[Word], label: str) -> None:
    scan.emit(Command(argv=argv, assigns=cmd.assigns, redirects=cmd.redirects, stdin=cmd.stdin,
                      via=cmd.via + (label,)))


def _unwrap_generic(cmd: Command, scan, spec: Wrapper, label: str) -> bool:
    args = cmd.args
    values = spec.value_options | spec.string_options | spec.split_options
    parsed, i = parse_args(args, values, stop_at_first_positional=True)
    while spec.bare_words and i < len(args) and args[i].text in spec.bare_words:  # env -i - CMD
        more, j = parse_args(args[i + 1:], values, stop_at_first_positional=True)
        parsed.flags |= more.flags
        for k, v in more.values.items():
            parsed.values.setdefault(k, []).extend(v)
        i += 1 + j
    if parsed.flags & spec.no_run_flags:
        return True
    if spec.string_options:  # `su deploy -c CMD`: the line may follow a positional
        everywhere, _ = parse_args(args, values)
        lines = [text for opt in spec.string_options for text in everywhere.values.get(opt, [])]
        for text in lines:
            scan.parse(text, cmd.via + (f"{label} -c",), stdin=cmd.stdin)
        if lines:
            return True
        # `runuser -u USER [--] CMD` runs CMD; without -u (like su) a shell.
        if label == "runuser" and parsed.flags & {"-u", "--user"} and args[i:]:
            _emit_inner(cmd, scan, args[i:], label)
            return True
        if label in ("su", "runuser", "script"):
            _unguarded_shell(cmd, f"{label} starts a shell ($SHELL) for commands typed later")
            return False
    for opt in spec.split_options:
        for text in parsed.values.get(opt, []):
            rest = [Word(t, t) for t in _split_words(text)] + args[i:]
            _emit_inner(cmd, scan, rest, f"{label} {opt}")
            return True
    rest = args[i:]
    assigns = cmd.assigns
    if label in ("env", "sudo", "doas", "run0", "time"):  # NAME=VALUE words before the command: its environment
        assigns = dict(assigns)
        while rest and "=" in rest[0].text and not rest[0].text.startswith("="):
            name_, _, value = rest[0].text.partition("=")
            assigns[name_] = Word(value, rest[0].raw)
            rest = rest[1:]
        cmd = Command(cmd.argv, assigns, cmd.redirects, cmd.stdin, cmd.via, cmd.cwd, cmd.effects)
    rest = rest[spec.skip:]
    if label == "exec" and parsed.values.get("-a") and rest:
        # exec -a NAME BIN: a multi-call program (busybox, Claude Code's own
        # executable run as bfs or ugrep) behaves as the NAME it is given;
        # judged as NAME and as BIN, so neither name hides what it does.
        _also_as(Command(rest, cmd.assigns, cmd.redirects, cmd.stdin, cmd.via), scan,
                 parsed.values["-a"][-1], "exec -a")
    if label in PACKAGE_RUNNERS and rest:
        rest = _package_command(rest, scan)
    if not rest and label == "exec":
        return False  # `exec 3> f`, `exec > log`: the shell's own redirections, judged as such
    if not rest:
        if label == "screen" or label in ("sudo", "su", "runuser", "doas") and (parsed.flags & {"-s", "--shell", "-i", "--login"}
                                                          or label != "sudo"):
            _unguarded_shell(cmd, f"{label} starts a shell for commands typed later")
            return False
        return True
    if spec.as_string:
        line = " ".join(w.text for w in rest)
        if DYN in line:
            _emit_inner(cmd, scan, rest, label)  # judged word by word
        else:
            scan.parse(line, cmd.via + (label,))
        return True
    _emit_inner(cmd, scan, rest, label)
    return True


_SSH = Wrapper("-B -b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w", no_run="-V -G")
# ssh -o options whose value is a command line run locally.
_SSH_LOCAL_COMMANDS = ("proxycommand", "localcommand", "knownhostscommand", "remotecommand")


def _unwrap_ssh(cmd: Command, scan) -> bool:
    """`ssh HOST CMD...` runs CMD (joined into one line) in the remote shell;
    with no CMD, the remote shell reads its script from stdin."""
    parsed, i = parse_args(cmd.args, _SSH.value_options, stop_at_first_positional=True)
    if parsed.flags & _SSH.no_run_flags:
        return True
    for option in parsed.values.get("-o", []):
        key, _, value = option.partition("=")
        if key.strip().lower() in _SSH_LOCAL_COMMANDS and value:
            scan.parse(value, cmd.via + (f"ssh -o {key.strip()}",))
    rest = cmd.args[i + 1:]  # after HOST
    if rest and rest[0].text == "--":
        rest = rest[1:]
    if not rest:
        if cmd.stdin is not None:
            _run_stdin(cmd, scan, "ssh")
        elif not parsed.flags & {"-N", "-O", "-W", "-V", "-G"} and i < len(cmd.args):
            _unguarded_shell(cmd, "ssh HOST with no command starts the remote shell for commands typed later")
        return not cmd.effects
    if any(w.dynamic for w in rest):
        _emit_inner(cmd, scan, rest, "ssh")  # judged word by word
    else:
        scan.parse(" ".join(w.text for w in rest), cmd.via + ("ssh",), stdin=cmd.stdin)
    return True


PROJECT_RUNNERS = {"npm", "pnpm", "yarn", "bun", "make", "gmake", "just"}
_NPM_SHORTCUTS = {"test": "test", "t": "test", "tst": "test", "start": "start", "stop": "stop",
                  "restart": "restart"}
_MAKE_VALUES = frozenset("-C --directory -f --file --makefile -I --include-dir -j --jobs -l -o -W".split())


def _entry_point(cmd: Command, scan) -> None:
    """An interpreter running a file named like a program guardsh has a table for is that
    program too: `python manage.py shell -c CODE` is `manage.py shell -c CODE` (whose table
    reads the code), `node node_modules/.bin/prisma migrate reset` is `prisma migrate reset`."""
    positionals = read_args(cmd, scan.programs).positionals
    if not positionals or positionals[0].dynamic:
        return
    name = os.path.basename(positionals[0].text)
    if name not in scan.programs or name == cmd.name:
        return
    entry = positionals[0]
    start = next(i for i, w in enumerate(cmd.args) if w is entry) + 1
    _emit_inner(cmd, scan, [Word(os.path.basename(entry.text), entry.raw)] + cmd.args[start:], cmd.name)


# The package managers' own commands: any other first word runs a script or a bin.
_RUNNER_COMMANDS = {
    "pnpm": frozenset("add audit bin config create dedupe deploy dlx doctor env exec fetch import init install "
                      "i install-test it licenses link list ls outdated pack patch patch-commit prune publish "
                      "rebuild rb recursive remove rm root run server setup start stop store test t unlink "
                      "update up upgrade why help version".split()),
    "yarn": frozenset("add audit autoclean bin cache config constraints create dedupe dlx exec explain generate-lock-entry "
                      "global help import info init install link list login logout node npm outdated owner pack "
                      "patch patch-commit plugin policies publish rebuild remove run search set stage tag team "
                      "test unlink unplug up upgrade upgrade-interactive version versions why workspace workspaces "
                      "start".split()),
    "bun": frozenset("add a build create c exec i init install link outdated patch pm publish remove rm repl run "
                     "test unlink update upgrade x audit info why help".split()),
}


def _run_project_script(cmd: Command, scan) -> None:
    """Judge what `npm run X`, `make X` or `just X` will run, read from the
    project's package.json, Makefile or justfile; the runner itself is still
    judged by its name (rules/migrations.toml)."""
    from . import projects

    if scan.cwd is None or any(w.dynamic for w in cmd.args):
        return
    name = cmd.name
    if name in ("make", "gmake", "just"):
        parsed, _ = parse_args(cmd.args, _MAKE_VALUES)
        goals = [w.text for w in parsed.positionals if "=" not in w.text]
        directory = os.path.join(scan.cwd, parsed.value("-C", "--directory") or "")
        if name == "just":
            lines = projects.just_recipe(directory, goals[0] if goals else None)
        else:
            lines = projects.make_recipes(directory, goals, parsed.value("-f", "--file", "--makefile"))
        label = f"{name} {' '.join(goals)}".strip()
    else:
        positionals = [w.text for w in cmd.args if not w.text.startswith("-")]
        if not positionals:
            return
        first = positionals[0]
        if first in ("run", "run-script") and len(positionals) > 1:
            script = positionals[1]
        elif name == "npm":
            script = _NPM_SHORTCUTS.get(first)
        else:
            script = _NPM_SHORTCUTS.get(first, first)  # pnpm/yarn/bun run scripts by name
        lines = projects.package_script(scan.cwd, script) if script else None
        label = f"{name} run {script}"
        if lines is None and name in ("pnpm", "yarn", "bun") and first not in _RUNNER_COMMANDS[name] \
                and first == next((w.text for w in cmd.args if not w.text.startswith("-")), None):
            # not a script: pnpm/yarn/bun run the package's bin (pnpm tsx wipe.ts is tsx wipe.ts)
            start = next(i for i, w in enumerate(cmd.args) if w.text == first)
            _emit_inner(cmd, scan, cmd.args[start:], f"{name} {first}")
            return
    for line in lines or []:
        scan.parse(line, cmd.via + (label,))


# Runners that start a package's CLI by the package's name: `npx @railway/cli volume delete`.
PACKAGE_RUNNERS = {"npx", "bunx", "pnpx", "npm exec", "pnpm exec", "pnpm dlx", "yarn exec", "yarn dlx"}


def _package_command(argv: list[Word], scan) -> list[Word]:
    from .resolve import package_bin

    return [package_bin(argv[0], scan)] + argv[1:]


def _unwrap_remote(cmd: Command, scan, runners: dict[str, Wrapper]) -> bool:
    """Emit what a platform's exec/run/ssh subcommand runs; the platform
    command itself is judged too (it is returned as not only a wrapper)."""
    positionals = read_args(cmd, scan.programs).positionals
    words = [w.text for w in positionals]
    for sub, spec in runners.items():
        sub_words = sub.split()
        if sub == "*":
            start = 0
        elif words[:len(sub_words)] == sub_words:
            last = positionals[len(sub_words) - 1]
            start = next(i for i, w in enumerate(cmd.args) if w is last) + 1
        else:
            continue
        rest = cmd.args[start:]
        # The platform's own words end here: `railway run rm x` is not `railway rm`.
        cmd.memo["runs_from"] = start
        texts = [w.text for w in rest]
        values = spec.value_options | spec.string_options
        starts = [k for k, t in enumerate(texts) if t in spec.command_options]
        if starts and ("--" not in texts or starts[0] < texts.index("--")):
            parsed, _ = parse_args(rest[:starts[0]], values)
            after = rest[starts[0] + 1:]
        elif "--" in texts:
            parsed, _ = parse_args(rest[:texts.index("--")], values)
            after = rest[texts.index("--") + 1:]
        elif spec.string_options:
            parsed, _ = parse_args(rest, values)
            after = []
        else:
            parsed, i = parse_args(rest, values, stop_at_first_positional=True)
            after = rest[i + spec.skip:]
        label = f"{cmd.name} {sub}" if sub != "*" else cmd.name
        for opt in spec.string_options:
            for text in parsed.values.get(opt, []):
                scan.parse(text, cmd.via + (f"{label} {opt}",))
        if after and label in PACKAGE_RUNNERS:
            after = _package_command(after, scan)
        if after and label == "uv run" and after[0].text.endswith((".py", ".pyw")):
            after = [Word("python", "python")] + after  # `uv run tool.py` runs the file with the project's python
        if after:
            if len(after) == 1 and " " in after[0].text and not after[0].dynamic:
                scan.parse(after[0].text, cmd.via + (label,))
            else:
                _emit_inner(cmd, scan, after, label)
        return False
    return False


# A framework's database shell is the database's own client: what it reads on
# stdin, or after `--`, is SQL (`echo 'DROP TABLE x;' | python manage.py dbshell`).
_DATABASE_SHELLS = {("manage.py", "dbshell"), ("django-admin", "dbshell"), ("rails", "dbconsole"),
                    ("rails", "db"), ("rails", "dbc")}


def _database_shell(cmd: Command, scan) -> bool:
    words = [w.text for w in cmd.args]
    name = cmd.name
    if name.startswith("python") and words and words[0].endswith("manage.py"):
        name, words = "manage.py", words[1:]
    elif name == "django" or (name.startswith("python") and words[:2] == ["-m", "django"]):
        name, words = "django-admin", words[2:] if words[:2] == ["-m", "django"] else words
    if not words or (name, words[0]) not in _DATABASE_SHELLS:
        return False
    client = [Word("psql", f"{cmd.name} {words[0]}")]
    if "--" in words:
        client += cmd.args[len(cmd.args) - len(words) + words.index("--") + 1:]
    elif cmd.stdin is None:
        return False  # an interactive database shell: what is typed there is the human's
    _emit_inner(cmd, scan, client, f"{cmd.name} {words[0]}")
    return True


_ANSIBLE_VALUES = frozenset("-m --module-name -a --args -i --inventory -u --user -f --forks -e --extra-vars -l --limit "
                            "-b --become-user --become-method -c --connection -T --timeout -M --module-path "
                            "--private-key --vault-id --vault-password-file -P --poll -B --background".split())
_SHELL_MODULES = {"shell", "command", "raw", "cmd.run", "cmd.run_all", "cmd.run_stdout", "cmd.shell", "cmd.exec_code_all"}
_REMOVE_MODULES = {"file.remove", "file.rmdir", "file.absent", "file.delete"}


def _unwrap_config_management(cmd: Command, scan) -> bool:
    """Ad-hoc configuration management runs a module on many hosts:
    `ansible HOSTS -m shell -a LINE`, `salt TARGET cmd.run LINE`, each judged
    as the line; `-m file -a 'path=P state=absent'` and `salt T file.remove P`
    as deleting P; any other module asked for `state=absent` removes what it
    manages (a database, a user, a package...), which is reported as such."""
    if cmd.name == "ansible":
        parsed, _ = parse_args(cmd.args, _ANSIBLE_VALUES)
        module = (parsed.value("-m", "--module-name") or "command").rsplit(".", 1)[-1]
        arguments = parsed.values.get("-a", []) + parsed.values.get("--args", [])
        label = f"ansible -m {module}"
    else:
        parsed, _ = parse_args(cmd.args, frozenset("-t --timeout -c --config-dir --out --return -b --batch-size "
                                                   "-l --log-level --out-file".split()))
        words = [w.text for w in parsed.positionals]
        if cmd.name != "salt-call":
            words = words[1:]  # the target
        if not words:
            return False
        module, arguments = words[0], [w for w in words[1:] if "=" not in w.split(" ", 1)[0]]
        label = f"{cmd.name} {module}"
    if module in _SHELL_MODULES or module.rsplit(".", 1)[-1] in ("shell", "command", "raw"):
        for line in arguments:
            if DYN in line:
                cmd.effects.append(Effect("shell.eval-dynamic", detail=f"{label} {line}"))
            else:
                scan.parse(line, cmd.via + (label,))
        return not cmd.effects
    if module in _REMOVE_MODULES:
        _emit_inner(cmd, scan, [Word("rm", module), Word("-rf", module)] + [Word(a, a) for a in arguments], label)
        return True
    for text in arguments:
        settings = dict(part.partition("=")[::2] for part in _split_words(text) if "=" in part)
        if settings.get("state") != "absent":
            continue
        if module == "file" and settings.get("path"):
            _emit_inner(cmd, scan, [Word("rm", label), Word("-rf", label), Word(settings["path"], settings["path"])],
                        label)
            return True
        target = settings.get("name") or settings.get("path") or settings.get("db") or module
        cmd.effects.append(Effect("infra.state-absent", target=target, detail=f"{label} {text}"))
    return False


def _unwrap_shell(cmd: Command, scan) -> bool:
    _shell_environment(cmd, scan)
    parsed, i = parse_args(cmd.args, SHELL_VALUE_OPTIONS, stop_at_first_positional=True)
    rest = cmd.args[i:]
    label = cmd.name
    if "-c" in parsed.flags:
        if not rest:
            return True
        script = rest[0]
        if script.dynamic:
            cmd.effects.append(Effect("shell.dynamic-script", detail=f"{label} -c {script}"))
            return False
        if not cmd.argv[0].dynamic and runs_this_guardsh(cmd.argv[0].text):
            # guardsh itself (Codex's wrapper ends `exec LOGIN_SHELL -c 'CMD'`, and the login
            # shell is guardsh's `bash` link): it judges CMD when it runs. Judging it here as
            # well would ask twice, and file the approval for the wrapper, not the command.
            return True
        scan.parse(script.text, cmd.via + (f"{label} -c",), stdin=cmd.stdin)
        return True
    if rest and "-s" not in parsed.flags:
        _run_script_file(cmd, scan, rest[0], f"{label} {rest[0]}")
        return True
    # No script named: the shell runs what arrives on stdin.
    if parsed.flags & {"--version", "--help"}:
        return True
    if cmd.stdin is None:
        _unguarded_shell(cmd, f"{label} reads its commands from the terminal or the caller's input")
        return False
    _run_stdin(cmd, scan, label)
    return True


def _shell_environment(cmd: Command, scan) -> None:
    """What a shell runs before its script: BASH_ENV/ENV files and functions
    exported as BASH_FUNC_name%%=() { ...; }."""
    for name, value in cmd.assigns.items():
        if name in ("BASH_ENV", "ENV"):
            _run_script_file(cmd, scan, value, f"{name}={value}")
        elif name.startswith("BASH_FUNC_"):
            body = value.text.partition(")")[2]
            if DYN in body:
                cmd.effects.append(Effect("shell.eval-dynamic", detail=f"{name}=..."))
            else:
                scan.parse(body, cmd.via + (name,))


def _unguarded_shell(cmd: Command, why: str) -> None:
    """A shell whose commands come from outside this line would run them
    unjudged (`bash -i`, `exec bash`, `sudo -s`)."""
    cmd.effects.append(Effect("shell.unguarded-shell", detail=why))


def _run_stdin(cmd: Command, scan, label: str) -> None:
    text = scan.stdin_text(cmd.stdin)
    if text is not None:
        scan.parse(text, cmd.via + (f"{label} <stdin",))
    elif cmd.stdin is not None:
        source = cmd.stdin.source.display() if cmd.stdin.source else "a pipe"
        cmd.effects.append(Effect("shell.pipe-to-shell", detail=f"{source} | {label}"))


def _run_script_file(cmd: Command, scan, path: Word | None, label: str, executable=False) -> None:
    if path is None or path.text == SHELL_SETUP:  # . <(asdf completion bash)
        return
    if path.dynamic:
        if not executable:
            cmd.effects.append(Effect("shell.unknown-script", target=str(path),
                                      detail=f"{label}: the script's name is only known at run time"))
        return
    via = cmd.via + (label,)
    cached = None
    if not executable and cmd.name in ("source", ".") and len(cmd.args) == 1:
        from . import sourcecache

        if sourcecache.usable(scan):
            cached = scan._abs(os.path.expanduser(path.text))  # an agent's snapshot, sourced first thing
            if sourcecache.replay(scan, cached, via):
                return
    status, text = scan.read_script(path.text, cmd.stdin)
    if status == "missing":
        return  # bash will fail to find it; nothing runs
    if status == "unreadable":
        cmd.effects.append(Effect("shell.unknown-script", target=path.text,
                                  detail=f"{label}: cannot read the script"))
        return
    if status == "binary":
        return  # compiled: judged by its name
    if status == "not-shell":
        if executable and text is not None:
            _run_program_file(cmd, scan, path, text, label)
        return
    if cached is not None and text:
        from . import sourcecache

        sourcecache.record(scan, cached, via, lambda: scan.parse(text, via, script_path=path.text))
        return
    scan.parse(text or "", via, script_path=path.text)


class redirections_of:
    """eval, source and function calls run their text in this shell with their own
    redirections and stdin: `eval 'true' > f` empties f, `eval cmd < /dev/null`
    reads /dev/null. (A group's redirections, already on the stack, are not
    repeated.)"""

    def __init__(self, cmd: Command, scan):
        outer = [r for redirects, _ in scan.pending_redirects for r in redirects]
        own = cmd.redirects
        if len(own) >= len(outer) and all(a is b for a, b in zip(own, outer)):
            own = own[len(outer):]
        self.scan, self.entry = scan, (own, cmd.stdin)

    def __enter__(self):
        self.scan.pending_redirects.append(self.entry)

    def __exit__(self, *exc):
        self.scan.pending_redirects.pop()


def _run_program_file(cmd: Command, scan, path: Word, text: str, label: str) -> None:
    """`./tool.py` with `#!/usr/bin/env python3` is `python3 ./tool.py`: judged as its
    interpreter running the file, which the interpreter's pack table reads by content."""
    from .resolve import shebang

    interpreter = shebang(text)
    if not interpreter or "/" in interpreter[0] or interpreter[0] == cmd.name:
        return
    full = Word(scan.abs_path(os.path.expanduser(path.text)), path.raw)
    scan.emit(Command(argv=[Word(w, w) for w in interpreter] + [full] + cmd.args, assigns=cmd.assigns,
                      redirects=cmd.redirects, stdin=cmd.stdin, via=cmd.via + (label,)))


def _unwrap_string_builtin(cmd: Command, scan, name: str) -> bool:
    if name == "eval":
        if [w.text for w in cmd.args] == [SHELL_SETUP]:
            return True  # eval "$(conda shell.bash hook)" (see ShellSession.sets_up_shell)
        if any(w.dynamic for w in cmd.args):
            cmd.effects.append(Effect("shell.eval-dynamic",
                                      detail="eval " + " ".join(str(w) for w in cmd.args)))
            return False
        # eval's redirections and stdin are its commands': eval 'python3' < /dev/null reads no terminal
        with redirections_of(cmd, scan):
            scan.parse(" ".join(w.text for w in cmd.args), cmd.via + ("eval",), stdin=cmd.stdin)
        return True
    if name == "trap":
        args = cmd.args[1:] if cmd.args and cmd.args[0].text == "--" else cmd.args
        if args and not args[0].text.startswith("-"):
            if args[0].dynamic:
                cmd.effects.append(Effect("shell.eval-dynamic", detail=f"trap {args[0]}"))
            else:
                scan.parse(args[0].text, cmd.via + ("trap",))
        return False
    # alias NAME='VALUE': remembered, and judged where NAME is used.
    for w in cmd.args:
        name_, eq, value = w.text.partition("=")
        if eq and name_ and not name_.startswith("-"):
            scan.aliases[name_] = value
    return False


_XARGS_VALUES = frozenset("-a --arg-file -d --delimiter -E -e --eof -I -i -J -R -S -L -l "
                          "--max-lines -n --max-args -P --max-procs -s --max-chars "
                          "--process-slot-var".split())


def _unwrap_xargs(cmd: Command, scan) -> bool:
    parsed, i = parse_args(cmd.args, _XARGS_VALUES - {"-i", "-e", "-l"}, stop_at_first_positional=True,
                           optional_value_options=frozenset({"-i", "-e", "-l"}))
    rest = cmd.args[i:] or [Word("echo", "echo")]
    items = _xargs_items(cmd, scan, parsed)
    # -I/-i/--replace[=R] (GNU) and -J R (BSD) put the items where R stands.
    replace_str = parsed.value("-I", "--replace", "-i", "-J")
    if replace_str is None and "--replace" in parsed.flags:
        replace_str = "{}"
    if replace_str is not None:
        replace_str = replace_str or "{}"
        for item in items or [DYN]:
            _emit_inner(replace_with_stdin(cmd, None), scan,
                        [Word(w.text.replace(replace_str, item), w.raw, w.glob) for w in rest], "xargs")
        return True
    inner = rest + ([Word(item, item) for item in items] if items else [_NOT_A_COMMAND])
    _emit_inner(replace_with_stdin(cmd, None), scan, inner, "xargs")
    return True


_PARALLEL_VALUES = frozenset("-j --jobs -P -S --sshlogin --sshloginfile -a --arg-file -d --delimiter "
                             "-I --replace --joblog --results --tmpdir -n --max-args -L --max-lines "
                             "--timeout --delay --retries --halt --colsep -E --eof".split())


def _unwrap_parallel(cmd: Command, scan) -> bool:
    """GNU parallel: `parallel CMD ::: ARGS` runs CMD once per argument; with
    no `:::`, the arguments come from stdin."""
    parsed, i = parse_args(cmd.args, _PARALLEL_VALUES, stop_at_first_positional=True)
    rest = cmd.args[i:]
    texts = [w.text for w in rest]
    cut = next((k for k, t in enumerate(texts) if t in (":::", "::::", ":::+", "::::+")), len(rest))
    template, sources = rest[:cut], rest[cut:]
    arguments = [w for w in sources if w.text not in (":::", ":::+")]
    if not sources or any(w.text.startswith("::::") for w in sources):
        arguments = [_NOT_A_COMMAND]
    if not template:
        return True
    if len(template) == 1 and " " in template[0].text:  # parallel 'rm -rf {}' ::: a b
        template = [Word(t, t) for t in _split_words(template[0].text)]
    replace_str = parsed.value("-I", "--replace") or "{}"
    if any(replace_str in w.text for w in template):
        for arg in arguments:
            _emit_inner(replace_with_stdin(cmd, None), scan,
                        [Word(w.text.replace(replace_str, arg.text), w.raw) for w in template], "parallel")
    else:
        _emit_inner(replace_with_stdin(cmd, None), scan, template + arguments, "parallel")
    return True


def _xargs_items(cmd: Command, scan, parsed) -> list[str] | None:
    """The arguments xargs will read, when its input is known now."""
    if cmd.stdin is None or parsed.value("-a", "--arg-file"):
        return None
    text = scan.stdin_text(cmd.stdin)
    if text is None or DYN in text:
        return None
    if "-0" in parsed.flags or "--null" in parsed.flags:
        return [t for t in text.split("\0") if t]
    delimiter = parsed.value("-d", "--delimiter")
    return [t for t in text.split(delimiter)] if delimiter else text.split()


def _unwrap_parallel_lines(cmd: Command, scan) -> bool:
    """`parallel ::: 'cmd one' 'cmd two'`: with no template, each argument is a command line."""
    for w in cmd.args[1:]:
        if w.dynamic:
            cmd.effects.append(Effect("shell.eval-dynamic", detail=f"parallel ::: {w}"))
        elif w.text not in (":::", "::::"):
            scan.parse(w.text, cmd.via + ("parallel",))
    return not cmd.effects


def replace_with_stdin(cmd: Command, stdin: Stdin | None) -> Command:
    return Command(cmd.argv, cmd.assigns, cmd.redirects, stdin, cmd.via, cmd.cwd, cmd.effects)


_FIND_NAME_TESTS = ("-name", "-iname")
_FIND_EXEC = ("-exec", "-execdir", "-ok", "-okdir")


def _unwrap_find(cmd: Command, scan) -> None:
    """`find ROOT TESTS -exec CMD {} ;` runs CMD on each match; `-delete`
    removes each match. Both are judged as the command they amount to, with
    `{}` standing for ROOT/**/NAME when a -name test narrows the matches."""
    args = cmd.args
    roots = []
    k = 0
    while k < len(args) and not args[k].text.startswith(("-", "(", "!")):
        roots.append(args[k])
        k += 1
    roots = roots or [Word(".", ".")]
    j = k
    while j < len(args):
        t = args[j].text
        if t in _FIND_EXEC:
            end = j + 1
            while end < len(args) and args[end].text not in (";", "+"):
                end += 1
            matches = _find_matches(roots, args[k:j])
            inner: list[Word] = []
            for w in args[j + 1:end]:
                if "{}" in w.text:
                    inner.extend(Word(w.text.replace("{}", m.text), w.raw, m.glob) for m in matches)
                else:
                    inner.append(w)
            if inner:
                _emit_inner(cmd, scan, inner, f"find {t}")
            j = end + 1
            continue
        if t == "-delete":
            _emit_inner(cmd, scan, [Word("rm", "-delete"), Word("-r", "-delete"),
                                    *_find_matches(roots, args[k:j])], "find -delete")
        j += 1


def _find_matches(roots: list[Word], tests: list[Word]) -> list[Word]:
    """What an action sees: ROOT/**/NAME when the tests ANDed right before it
    include a -name (find binds AND tighter than -o), else anything under ROOT."""
    chain: list[Word] = []
    for w in reversed(tests):
        if w.text in ("-o", "-or", ","):
            break
        chain.insert(0, w)
    grouped = any(w.text in ("(", ")") for w in tests)
    names = [chain[i + 1].text for i in range(len(chain) - 1) if chain[i].text in _FIND_NAME_TESTS]
    matches = []
    for root in roots:
        base = root.text.rstrip("/") or "/"
        if names and not grouped and not any(DYN in n for n in names):
            matches.append(Word(f"{base}/**/{names[-1]}", root.raw, glob=True))
        else:
            matches.append(Word(f"{base}/{DYN}", root.raw))
    return matches


def _split_words(text: str) -> list[str]:
    import shlex

    try:
        return shlex.split(text)
    except ValueError:
        return text.split()
