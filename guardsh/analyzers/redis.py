"""redis-cli argv: FLUSHALL/FLUSHDB, mass deletion by pattern, and EVAL of either."""

from __future__ import annotations

import re

from ..model import DYN, Effect
from .sql.common import known_name


REDIS_OPTIONS_WITH_VALUE = set(
    "-h -p -s -a -u -r -i -n -d -D -t --user --pass --sni --cacert --cacertdir --tls-ciphers "
    "--tls-ciphersuites --cert --key --rdb --functions-rdb --pipe-timeout --memkeys-samples "
    "--pattern --quoted-pattern --count --intrinsic-latency --eval --show-pushes --lru-test".split())


def _leading_options(argv: list[str]) -> int:
    index = 0
    while index < len(argv) and argv[index].startswith("-") and len(argv[index]) > 1:
        index += 2 if argv[index] in REDIS_OPTIONS_WITH_VALUE else 1
    return index


def classify_redis_input(argv: list[str], read_file, stdin: str | None) -> list[Effect]:
    """Effects of what redis-cli reads instead of an argument command: the
    Lua script of `--eval FILE` (/dev/stdin included), or, with no command
    in argv, every line of its stdin (`echo FLUSHALL | redis-cli`)."""
    index = _leading_options(argv)
    options = argv[:index]
    if "--eval" in options[:-1]:
        script = read_file(options[options.index("--eval") + 1])
        return classify_redis_cli(["EVAL", script, "0"]) if script else []
    if index < len(argv) or not stdin:
        return []
    found = []
    for line in stdin.splitlines():
        words = line.strip().split()
        if words:
            found.extend(classify_redis_cli(options + words))
    return found


def classify_redis_cli(argv: list[str]) -> list[Effect]:
    """Effects of `redis-cli ARGV...` (argv without the program name, options included)."""
    database, index = "0", 0
    while index < len(argv) and argv[index].startswith("-") and len(argv[index]) > 1:
        option = argv[index]
        if option == "--cluster":  # `--cluster call HOST:PORT CMD...` runs CMD on every node
            if argv[index + 1:index + 2] != ["call"]:
                return []
            database, index = "0 on every node", index + 3
            break
        if option == "-n" and index + 1 < len(argv):
            database = argv[index + 1]
        elif option == "-u" and index + 1 < len(argv) and re.search(r"/(\d+)$", argv[index + 1]):
            database = re.search(r"/(\d+)$", argv[index + 1])[1]
        index += 2 if option in REDIS_OPTIONS_WITH_VALUE else 1
    command = argv[index:]
    name = command[0].upper() if command else ""
    shown = " ".join(command).replace(DYN, "$?")
    flushed = {"FLUSHALL": "all databases", "FLUSHDB": known_name(f"db {database}")}
    if name in flushed:
        return [Effect("redis.flush", flushed[name], shown)]
    if name in ("DEL", "UNLINK"):
        # A pattern, or keys only known at run time (`--scan | xargs redis-cli del`): mass deletion.
        return [Effect("redis.delete-pattern", known_name(key), shown) for key in command[1:] if "*" in key or DYN in key]
    if name == "EVAL" and len(command) > 1:
        called = {c.lower() for c in re.findall(r"""redis\.p?call\s*\(\s*['"](\w+)['"]""", command[1])}
        if called & {"flushall", "flushdb"}:
            return [Effect("redis.flush", flushed["FLUSHALL" if "flushall" in called else "FLUSHDB"], shown)]
        if called & {"del", "unlink"} and called & {"keys", "scan"}:
            return [Effect("redis.delete-pattern", None, shown)]
    return []
