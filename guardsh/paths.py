"""Every file guardsh reads or writes, by the XDG base directory rules."""

from __future__ import annotations

import os
from pathlib import Path


def _xdg(var: str, default: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value and os.path.isabs(value) else Path.home() / default


def config_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config") / "guardsh"


def state_dir() -> Path:
    return _xdg("XDG_STATE_HOME", ".local/state") / "guardsh"


def cache_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", ".cache") / "guardsh"


def user_rules() -> Path:
    return config_dir() / "rules.toml"


def audit_log() -> Path:
    return state_dir() / "audit.jsonl"


def history_file() -> Path:
    return state_dir() / "history"
