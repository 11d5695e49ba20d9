set -e; . "$HOME/.codex/shell_snapshots/$UUID.tmp-$N"
