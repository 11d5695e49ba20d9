"""Every file guardsh reads or writes, by the XDG base directory rules.
Plain strings (os.path), not pathlib: this runs on every agent command."""

from __future__ import annotations

import os


def _xdg(var: str, default: str) -> str:
    value = os.environ.get(var)
    base = value if value and os.path.isabs(value) else os.path.join(os.path.expanduser("~"), default)
    return os.path.join(base, "guardsh")


def config_dir() -> str:
    return _xdg("XDG_CONFIG_HOME", ".config")


def state_dir() -> str:
    return _xdg("XDG_STATE_HOME", ".local/state")


def cache_dir() -> str:
    return _xdg("XDG_CACHE_HOME", ".cache")


def data_dir() -> str:
    """Where guardsh keeps what it must not lose: the snapshots `guardsh undo` restores."""
    return _xdg("XDG_DATA_HOME", ".local/share")


def undo_dir() -> str:
    return os.path.join(data_dir(), "undo")


def user_rules() -> str:
    return os.path.join(config_dir(), "rules.toml")


def audit_log() -> str:
    return os.path.join(state_dir(), "audit.jsonl")


def history_file() -> str:
    return os.path.join(state_dir(), "history")
