#!/usr/bin/env bash
# What the real-agent tests (tests/system/real_agents) need beyond the Python test
# dependencies: unshare (util-linux) and ip (iproute2) for the loopback-only network
# namespace, and node + npm to install and run the pinned Claude Code and Codex releases.
# .ci/run calls this before the test command; it installs only what is missing.
# The pinned releases themselves are installed by the tests, once, into
# ${GUARDSH_REAL_AGENTS_CACHE:-~/.cache/guardsh-real-agents} (about 910 MB for the three); keep that
# directory in the CI cache to skip the download.
set -euo pipefail

missing=()
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v python3 >/dev/null 2>&1 || missing+=(python3)  # the agents' REPL test types into python3 -i
if ((${#missing[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Codex's npm launcher needs node 16 or later; Claude Code runs its own native binary.
node -e 'process.exit(parseInt(process.versions.node) >= 16 ? 0 : 1)' \
    || { echo "ci-setup: node $(node --version) is too old for the Codex launcher (needs 16+)" >&2; exit 1; }

# The tests make namespaces: they need root (CI runs as root).
if [ "$(id -u)" != 0 ]; then
    echo "ci-setup: not root: the real-agent tests will be skipped" >&2
elif ! unshare -n ip link set lo up; then
    echo "ci-setup: unshare -n does not work here; the real-agent tests will fail" >&2
    exit 1
fi
