"""Reads the payload a program will act on — SQL for a database client, the
request for an HTTP client, code for an interpreter — from wherever it comes
(an option, a file, a heredoc, a pipe) and hands it to the right analyser.
The pack's `[program.NAME]` table says where a program takes its content."""

from __future__ import annotations

import re

from ..model import DYN, Command, Effect, ProgramSpec, Word
from ..argv import read_args

# What a deletion found in code amounts to, as a shell command the fs rules judge.
_CODE_AS_COMMAND = {
    "code.delete-tree": ("rm", "-r"),
    "code.delete-file": ("rm",),
    "code.truncate-file": ("truncate", "-s", "0"),
    "code.http-delete": ("curl", "-X", "DELETE"),
}


def analyse(cmd: Command, spec: ProgramSpec, scan) -> None:
    reads = spec.reads
    if reads == "http":
        from .http.read import classify_http

        stdin = scan.stdin_text(cmd.stdin) if cmd.stdin else None
        cmd.effects.extend(classify_http(cmd.name, [w.text for w in cmd.args],
                                         lambda path: scan.read_file(path, cmd.stdin), stdin))
        return
    if reads == "redis":
        from .redis import classify_redis_cli, classify_redis_input

        args = [w.text for w in cmd.args]
        cmd.effects.extend(classify_redis_cli(args))
        # What redis-cli runs without a command in its arguments: the script
        # --eval names, or the commands on its stdin, one per line.
        cmd.effects.extend(classify_redis_input(args, lambda path: scan.read_file(path, cmd.stdin),
                                                scan.stdin_text(cmd.stdin) if cmd.stdin else None))
        return
    payloads = _payloads(cmd, spec, scan)
    if not payloads and spec.script_file:
        for text, where, language in program_files(cmd, spec, scan):
            if text is None:
                cmd.effects.append(Effect("code.unreadable", target=where, detail=f"{cmd.name}: cannot read {where}"))
            else:
                _code(cmd, language, text, scan, where)
        return
    for text, where in payloads:
        if text is None:
            kind = "sql.unreadable" if reads in ("sql", "mongo") else "code.unreadable"
            cmd.effects.append(Effect(kind, target=where, detail=f"cannot read what {where} holds"))
            continue
        if reads == "sql":
            from .sql.read import classify_sql

            on = _connection(cmd, scan)
            for effect in _named(classify_sql(text, spec.dialect), where):
                effect.detail = f"{effect.detail} on {on}" if on else effect.detail
                cmd.effects.append(effect)
        elif reads == "graphql":
            from .http.graphql import classify_graphql

            cmd.effects.extend(classify_graphql(_graphql_document(text), cmd.name))
        elif reads == "mongo":
            from .mongo import classify_mongo

            cmd.effects.extend(_named(classify_mongo(text), where))
        else:
            _code(cmd, reads, text, scan)
            if scan.cwd is not None:  # python -c 'import cleanup': the module beside it is read too
                import os

                for local in _local_imports(text, os.path.join(scan.cwd, "-"), _language(reads, "")):
                    module = _program_text(local, scan)
                    if module is None:
                        cmd.effects.append(Effect("code.unreadable", target=local, detail=f"cannot read {local}"))
                    elif module != "missing":
                        _code(cmd, _language(reads, local), module, scan, local)


# A program file's language by its extension, for runtimes that run several (node, deno, bun, tsx).
_TYPESCRIPT = (".ts", ".tsx", ".mts", ".cts")
_JS_RUNTIMES = ("node", "deno", "bun", "typescript", "javascript")
MAX_PROGRAM = 256 * 1024  # bytes of a program file read; a larger one is asked about
# Local modules a program imports, read one level deep: `import helpers`, `require('./lib')`.
_PY_IMPORT = r"^[ \t]*(?:from[ \t]+(\.?[\w.]+)[ \t]+import|import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*))"
_JS_IMPORT = r"""(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}/[^'"]+)['"]"""


def program_files(cmd: Command, spec: ProgramSpec, scan) -> list[tuple[str | None, str, str]]:
    """(text, path, language) of the program file an interpreter runs (`python3 tool.py`,
    `node x.js`, `deno run x.ts`, `python -m pkg.tool` found in the working directory),
    then of the local modules it imports, one level deep. text is None when the file
    must be read and cannot be (written earlier on the line, too large, unreadable);
    a missing file runs nothing, and a module not found here is an installed one."""
    import os

    parsed = read_args(cmd, scan.programs)
    positionals = [w for w in parsed.positionals]
    if positionals and f"{cmd.name} {positionals[0].text}" in scan.programs or (
            positionals and cmd.name in ("bun", "deno") and positionals[0].text == "run"):
        positionals = positionals[1:]  # deno run FILE, bun run FILE
    module = parsed.value("-m")
    if module is not None:
        if DYN in module or scan.cwd is None:
            return []
        base = os.path.join(scan.cwd, *module.split("."))
        path = next((p for p in (base + ".py", os.path.join(base, "__main__.py")) if os.path.isfile(p)), None)
        if path is None:
            return []  # an installed module (pytest, http.server, json.tool): judged by its name
    elif positionals and positionals[0].text != spec.stdin_marker:
        word = positionals[0]
        if word.dynamic:
            return [(None, str(word), spec.reads)]
        path = scan.abs_path(os.path.expanduser(word.text))
    else:
        return []
    first = _program_text(path, scan)
    if first == "missing":
        return []
    language = _language(spec.reads, path)
    found = [(first, path, language)]
    if first is not None:
        found += [(text, local, language) for local in _local_imports(first, path, language)
                  if (text := _program_text(local, scan)) != "missing"]
    return found


def _language(reads: str, path: str) -> str:
    if reads in _JS_RUNTIMES:
        return "typescript" if path.endswith(_TYPESCRIPT) or reads in ("deno", "bun", "typescript") else "node"
    return reads


def _program_text(path: str, scan) -> str | None:
    import os

    if path in scan.written:
        return None  # written earlier on this line: what it will hold is not on disk yet
    try:
        size = os.stat(path).st_size
    except OSError:
        return "missing"
    if size > MAX_PROGRAM:
        return None
    return scan.read_file(path)


def _local_imports(text: str, path: str, language: str) -> list[str]:
    """The files of the program's own directory it imports (one level: theirs are not followed)."""
    import os
    import re

    here = os.path.dirname(path)
    found: list[str] = []
    if language == "python":
        for m in re.finditer(_PY_IMPORT, text, re.M):
            for name in (m.group(1) or m.group(2)).split(","):
                parts = name.strip().lstrip(".").split(".")
                base = os.path.join(here, *parts)
                found += [p for p in (base + ".py", os.path.join(base, "__init__.py")) if os.path.isfile(p)][:1]
    elif language in ("node", "typescript"):
        for m in re.finditer(_JS_IMPORT, text, re.M):
            base = os.path.normpath(os.path.join(here, m.group(1)))
            candidates = [base] + [base + ext for ext in (".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts")] + [
                os.path.join(base, "index" + ext) for ext in (".js", ".ts")]
            if base.endswith(".js"):  # TypeScript's `import './x.js'` names the compiled x.ts
                candidates.append(base[:-3] + ".ts")
            found += [p for p in candidates if os.path.isfile(p)][:1]
    return [p for p in dict.fromkeys(found) if p != path][:20]


def _payloads(cmd: Command, spec: ProgramSpec, scan) -> list[tuple[str | None, str]]:
    parsed = read_args(cmd, scan.programs)
    found: list[tuple[str | None, str]] = []
    for opt in spec.content_options:
        for v in parsed.values.get(opt, []):  # `pwsh -Command -`: the code is on stdin
            found.append((scan.stdin_text(cmd.stdin), "stdin") if spec.stdin_marker and v == spec.stdin_marker
                         and cmd.stdin is not None else (v, opt))
    for opt in spec.content_file_options:
        for v in parsed.values.get(opt, []):
            if spec.reads not in _JS_RUNTIMES or v.startswith((".", "/", "~")) or DYN in v \
                    or scan.read_file(v) is not None:
                found.append((scan.read_file(v, cmd.stdin), v))
            # else a module by name (node -r dotenv/config): judged where it is installed
    positionals = parsed.positionals
    if spec.content_arg and len(positionals) >= spec.content_arg and not found:
        for w in positionals[spec.content_arg - 1:]:
            text = _code_file(w.text, scan) if spec.reads not in ("sql", "mongo", "redis") else None
            found.append((text, w.text) if text is not None else (w.text, "the command line"))
    if found or not spec.content_stdin or cmd.stdin is None:
        return found
    if spec.stdin_marker and positionals and positionals[0].text != spec.stdin_marker:
        return found  # `python script.py < x`: stdin is the script's input, not code
    if spec.reads == "python" and parsed.values.get("-m"):
        return found  # `python -m json.tool < x`: stdin is the module's input, not code
    if spec.content_arg and len(positionals) >= spec.content_arg:
        return found
    return [(scan.stdin_text(cmd.stdin), "stdin")]


_CODE_FILE = re.compile(r"[\w./~-]+\.(?:rb|py|php|js|mjs|cjs|ts|pl|R|jl|ps1|awk|lua)")


def _code_file(text: str, scan) -> str | None:
    """`rails runner scripts/purge.rb`: a code argument that names a file is that file's code."""
    if not _CODE_FILE.fullmatch(text):
        return None
    return scan.read_file(text)


def _connection(cmd: Command, scan) -> str:
    """Where the SQL goes, as the prompt shows it: host and database from the
    options, a connection URI, or the environment (PGHOST, PGDATABASE)."""
    parsed = read_args(cmd, scan.programs)
    env = {k: w.text for k, w in cmd.assigns.items()}
    uri = next((w for w in parsed.positionals if "://" in w.text or w.text.startswith(DYN)), None)
    if uri is not None:
        return str(uri)  # as written: "$DATABASE_URL" says more than its unknown value
    host = parsed.value("-h", "--host") or env.get("PGHOST") or env.get("MYSQL_HOST")
    database = parsed.value("-d", "--dbname", "-D", "--database") or env.get("PGDATABASE")
    if database is None and cmd.name in ("psql", "mysql", "mariadb", "sqlite3", "duckdb") and parsed.positionals:
        database = parsed.positionals[0].text
    shown = "/".join(p for p in (host, database) if p)
    return shown.replace(DYN, "$?")


def _graphql_document(text: str) -> str:
    """`gh api graphql -f query=DOC` passes the document as a field."""
    return text.split("=", 1)[1] if text.startswith("query=") else text


def _named(effects: list[Effect], where: str) -> list[Effect]:
    for e in effects:
        if where != "stdin" and e.detail and where not in e.detail and not where.startswith("-"):
            e.detail = f"{e.detail} (in {where})"
    return effects


def _code(cmd: Command, language: str, text: str, scan, where: str = "") -> None:
    from .code.read import analyze_code

    findings = analyze_code(language, text)
    label = f"{cmd.name} {where}" if where else f"{cmd.name} code"
    for effect in findings.effects:
        as_command = _CODE_AS_COMMAND.get(effect.kind)
        if as_command and effect.target is not None:
            target = effect.target
            if target == "~" or target.startswith("~/"):  # the code's os.path.expanduser
                target = scan.home + target[1:]
            argv = [Word(a, a) for a in as_command] + [Word(target, effect.detail or effect.target)]
            scan.emit(Command(argv=argv, via=cmd.via + (label,)))
        else:
            cmd.effects.append(effect)
    for line in findings.shell_commands:
        scan.parse(line, cmd.via + (label,))
    if findings.sql_statements:
        from .sql.read import classify_sql

        for statement in findings.sql_statements:
            cmd.effects.extend(classify_sql(statement, "sqlite"))
