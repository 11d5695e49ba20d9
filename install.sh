#!/usr/bin/env bash
# Install guardsh into its own virtual environment and link it into ~/.local/bin.
#   ./install.sh         install or upgrade (safe to re-run)
#   ./install.sh --dev   make ./.venv with guardsh (editable) and the test tools
# PYTHON=python3.12 ./install.sh picks the interpreter; GUARDSH_HOME and
# GUARDSH_BIN move the venv (default ~/.local/share/guardsh) and the links.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "guardsh needs Python 3.10 or newer; $python is $("$python" --version 2>&1 || echo missing)." >&2
    echo "Set PYTHON=/path/to/python3.x and run again." >&2
    exit 1
fi

make_venv() {  # make_venv DIR: create (or reuse) a venv with an up-to-date pip
    "$python" -m venv "$1"
    "$1/bin/python" -m pip install --quiet --upgrade pip
}

write_launcher() {  # write_launcher VENV [EXTRA_PATH]: VENV/bin/guardsh, lean and isolated
    # Every agent command starts guardsh, so its launcher skips what it does not
    # need: -S (no site module, ~2 ms) with the paths given explicitly, and -I
    # (ignore PYTHONPATH and friends: an agent's environment cannot swap
    # guardsh's code for its own).
    local venv="$1" extra="${2:-}" purelib
    purelib="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    cat > "$venv/bin/guardsh.tmp" <<LAUNCHER
#!$venv/bin/python -IS
import sys
sys.path[:0] = [p for p in ("$extra", "$purelib") if p]
from guardsh.frontends.cli import main
sys.exit(main())
LAUNCHER
    chmod +x "$venv/bin/guardsh.tmp"
    mv -f "$venv/bin/guardsh.tmp" "$venv/bin/guardsh"
    "$venv/bin/python" -m compileall -q "${extra:-$purelib}/guardsh" >/dev/null
}

if [ "${1:-}" = "--dev" ]; then
    make_venv "$here/.venv"
    "$here/.venv/bin/python" -m pip install --quiet -e "$here[test]"
    write_launcher "$here/.venv" "$here"
    echo "Development environment ready in $here/.venv"
    echo "Run the tests with: .venv/bin/python -m pytest"
    exit 0
fi

prefix="${GUARDSH_HOME:-$HOME/.local/share/guardsh}"
bindir="${GUARDSH_BIN:-$HOME/.local/bin}"
make_venv "$prefix/venv"
"$prefix/venv/bin/python" -m pip install --quiet "$here"
# Same version number on a re-run: force the new code in, keep the dependencies.
"$prefix/venv/bin/python" -m pip install --quiet --force-reinstall --no-deps "$here"
write_launcher "$prefix/venv"
mkdir -p "$bindir"
ln -sfn "$prefix/venv/bin/guardsh" "$bindir/guardsh"
# Claude Code only accepts a shell whose path contains "bash" or "zsh".
ln -sfn "$prefix/venv/bin/guardsh" "$bindir/guardsh-bash"
# Codex takes a login shell only if its file is named bash (or zsh), and Gemini CLI runs
# `bash` from PATH: a link named bash, in guardsh's own (protected) directory.
mkdir -p "$prefix/shell"
ln -sfn "$prefix/venv/bin/guardsh" "$prefix/shell/bash"
"$bindir/guardsh" rules check

cat <<MSG

guardsh is installed: $bindir/guardsh (and $bindir/guardsh-bash)
$(case ":$PATH:" in *":$bindir:"*) ;; *) echo "Add $bindir to your PATH.";; esac)
Guard your agent (each writes the agent's own settings, with a backup; --print shows it first):
  As a hook:     guardsh setup claude-code|codex|cursor|gemini
  As its shell:  guardsh setup claude-code --shell         (CLAUDE_CODE_SHELL=$bindir/guardsh-bash)
                 guardsh setup codex --shell / gemini --shell  (the link $prefix/shell/bash)
  Any tool:      use "$bindir/guardsh -c CMD" wherever it runs "bash -c CMD".
  Details: "Agents" in the README.
Try it:  guardsh -c 'rm -rf ~'    (refused: no terminal needed to see why)
Check it:  guardsh doctor
MSG

# What holds and what does not, as installed (a FAIL here does not undo the install).
echo
"$bindir/guardsh" doctor || true
