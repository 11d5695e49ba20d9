"""The commands a project runner will run, read from the project's files:
`npm run X` (package.json scripts, with their pre/post scripts), `make X`
(Makefile recipes and the targets they depend on) and `just X` (justfile
recipes). Each returns shell lines for the shell analyser, or None when the
file cannot be read (the runner is then judged by its name alone)."""

from __future__ import annotations

import os

MAX_DEPTH = 4  # make targets through their prerequisites


def package_script(directory: str, name: str) -> list[str] | None:
    """package.json's scripts for `npm run NAME`, with preNAME and postNAME."""
    import json

    try:
        with open(os.path.join(directory, "package.json"), encoding="utf-8") as fh:
            scripts = json.load(fh).get("scripts") or {}
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(scripts, dict) or name not in scripts:
        return None
    return [str(scripts[key]) for key in (f"pre{name}", name, f"post{name}") if key in scripts]


def make_recipes(directory: str, targets: list[str], makefile: str | None = None) -> list[str] | None:
    """Recipe lines of TARGETS (the default goal when none) and of the targets
    they depend on. Make variables are left for the shell analyser, which
    sees $(VAR) as a substitution only known at run time."""
    text = _read_first(directory, [makefile] if makefile else ["GNUmakefile", "makefile", "Makefile"])
    if text is None:
        return None
    rules, default = _parse_makefile(text)
    goals = targets or ([default] if default else [])
    lines: list[str] = []
    seen: set[str] = set()

    def visit(target: str, depth: int) -> None:
        if target in seen or depth > MAX_DEPTH or target not in rules:
            return
        seen.add(target)
        prerequisites, recipe = rules[target]
        for prerequisite in prerequisites:
            visit(prerequisite, depth + 1)
        lines.extend(line.lstrip("@-+ \t").replace("$$", "$") for line in recipe)

    for goal in goals:
        visit(goal, 0)
    return lines


def _read_first(directory: str, names: list[str]) -> str | None:
    """The text of the first of these files that can be read, as make and just look for them."""
    for name in names:
        try:
            with open(os.path.join(directory, name), encoding="utf-8") as fh:
                return fh.read()
        except (OSError, UnicodeDecodeError):
            continue
    return None


def _parse_makefile(text: str) -> tuple[dict[str, tuple[list[str], list[str]]], str | None]:
    rules: dict[str, tuple[list[str], list[str]]] = {}
    default = None
    current: list[str] = []
    for raw in text.replace("\\\n", " ").splitlines():
        if raw.startswith("\t"):
            for target in current:
                rules[target][1].append(raw[1:])
            continue
        line = raw.split("#", 1)[0]
        head, colon, rest = line.partition(":")
        if not colon or "=" in head or rest.startswith("="):
            current = [] if line.strip() else current
            continue
        rest = rest.lstrip(":")
        current = head.split()
        prerequisites = rest.split(";", 1)[0].split("|", 1)[0].split()
        for target in current:
            rules.setdefault(target, ([], []))[0].extend(prerequisites)
            if ";" in rest:
                rules[target][1].append(rest.split(";", 1)[1])
            if default is None and not target.startswith("."):
                default = target
    return rules, default


def just_recipe(directory: str, name: str | None) -> list[str] | None:
    """The body of a justfile recipe (the first recipe when none is named)."""
    text = _read_first(directory, ["justfile", "Justfile", ".justfile"])
    if text is None:
        return None
    body: list[str] | None = None
    found: list[str] | None = None
    for raw in text.splitlines():
        if raw[:1] in (" ", "\t"):
            if body is not None:
                body.append(raw.strip().lstrip("@-"))
            continue
        body = None
        head = raw.split(":", 1)[0].strip().lstrip("@")
        if ":" in raw and ":=" not in raw and head and not raw.startswith(("#", "set ", "export ", "import ")):
            recipe = head.split()[0]
            if found is None and (name is None or recipe == name):
                body = found = []
    return found
