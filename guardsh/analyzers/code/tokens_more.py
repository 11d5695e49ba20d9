"""A token-level reader for Ruby, PHP, Perl, R (`Rscript -e`), Julia (`julia -e`) and
PowerShell (`pwsh -c`): string literals and comments are set apart first, so a command
word inside a string is text, then calls are found by patterns over what is left.

`read_tokens_more(language, code, findings, sinks_only=False)`; `analyze_tokens_more(language,
code, sinks_only=False)` returns a new CodeFindings. language: ruby, php, perl, r, julia,
powershell. sinks_only=True skips shell-outs and file deletion (what interp's token reader
already finds for ruby/php/perl) and keeps HTTP, SQL, ORM, redis and cloud calls.

Found:
- shell-outs: system/exec/spawn/`...`/%x() (ruby), system/exec/shell_exec/passthru/popen/
  proc_open/`...` (php), system/exec/`...`/qx (perl), system/system2/shell/processx::run (R),
  run/read/success/pipeline of `...` command literals (julia), Start-Process, Invoke-Expression
  and native commands (powershell): `findings.command` (`code.dynamic-shell` when built at run time);
- file deletion: FileUtils.rm_rf & co. (ruby), unlink/rmdir (php, perl), unlink(recursive=TRUE)/
  file.remove/fs::dir_delete (R), rm(p; recursive=true) (julia), Remove-Item [-Recurse]
  and its aliases (powershell): `code.delete-tree` / `code.delete-file`;
- HTTP with method, URL and body, classified by the curl classifier: Net::HTTP, HTTParty,
  RestClient, Faraday (ruby); Guzzle, Laravel Http::, curl_setopt CUSTOMREQUEST (php);
  LWP/HTTP::Request/HTTP::Tiny (perl); httr/httr2/crul (R); HTTP.jl (julia);
  Invoke-RestMethod/Invoke-WebRequest (powershell); a JSON body or a GraphQL document in a
  hash/list literal is rebuilt as the JSON sent;
- SQL strings reaching execute/query/exec/do/prepare/dbExecute/dbGetQuery/Invoke-Sqlcmd:
  `findings.sql`, `code.unknown-sink` when only known at run time;
- ORM mass deletes: ActiveRecord X.delete_all/destroy_all (no where), Laravel X::truncate(),
  DB::table(t)->delete()/truncate(): `sql.delete-all` / `sql.truncate`; redis flushall/flushdb:
  `redis.flush`; cloud SDK methods and PowerShell cmdlets whose verb deletes, removes,
  terminates, purges, clears...: `code.sdk-delete`.
"""

from __future__ import annotations

import json
import re

from ...model import DYN

from . import sinks

LANGUAGES = ("ruby", "php", "perl", "r", "julia", "powershell")
_PH_RE = r"\x01\d+\x01"
_PH = re.compile(r"\x01(\d+)\x01")


class _Unreadable(Exception):
    pass


class _Literal:
    __slots__ = ("value", "source", "kind")

    def __init__(self, value: str, source: str, kind: str):
        self.value, self.source, self.kind = value, source, kind  # kind: "str" or "shell"


# ---------------------------------------------------------------- tokenizer
# (line comments, block comments, {quote: (kind, interpolates)}, escape character)
_SYNTAX = {
    "ruby": (("#",), (("=begin", "=end"),), {"'": ("str", False), '"': ("str", True), "`": ("shell", True)}, "\\"),
    "php": (("//", "#"), (("/*", "*/"),), {"'": ("str", False), '"': ("str", True), "`": ("shell", True)}, "\\"),
    "perl": (("#",), (), {"'": ("str", False), '"': ("str", True), "`": ("shell", True)}, "\\"),
    "r": (("#",), (), {"'": ("str", False), '"': ("str", False)}, "\\"),
    "julia": (("#",), (("#=", "=#"),), {'"': ("str", True), "`": ("shell", True)}, "\\"),
    "powershell": (("#",), (("<#", "#>"),), {"'": ("str", False), '"': ("str", True)}, "`"),
}
_INTERPOLATION = {
    "ruby": re.compile(r"#\{(?:[^{}]|\{[^{}]*\})*\}|#[@$]\w+"),
    "php": re.compile(r"\{\$(?:[^{}]|\{[^{}]*\})*\}|\$\{[^}]*\}|\$\w+(?:->\w+|\[[^\]]*\])*"),
    "perl": re.compile(r"[$@](?:\{[^}]*\}|\w+)(?:\[[^\]]*\]|\{[^}]*\}|->[\[{][^\]}]*[\]}])*"),
    "julia": re.compile(r"\$(?:\((?:[^()]|\([^()]*\))*\)|\w+)"),
    "powershell": re.compile(r"\$(?:\((?:[^()]|\([^()]*\))*\)|\{[^}]*\}|[\w:]+)"),
}
_QUOTE_LIKE = {  # perl q qq qx; ruby %q %Q %x %w
    "perl": (re.compile(r"(?<![\w$@%&>:-])(qq|qx|qw|q)\s*([^\w\s,;)\]}=>])"),
             {"q": ("str", False), "qq": ("str", True), "qx": ("shell", True), "qw": ("str", False)}),
    "ruby": (re.compile(r"(?<![\w)\]}])(%[qQxwW])([^\w\s])"),
             {"%q": ("str", False), "%Q": ("str", True), "%x": ("shell", True), "%w": ("str", False),
              "%W": ("str", True)}),
}
_PAIRS = {"(": ")", "[": "]", "{": "}", "<": ">"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\\0", "e": "\x1b", "a": "\a", "\n": ""}


def _read_string(language: str, code: str, i: int, close: str, interpolates: bool, opener: str = "") \
        -> tuple[str, int]:
    _, _, _, escape = _SYNTAX[language]
    interpolation = _INTERPOLATION.get(language) if interpolates else None
    parts, depth = [], 0
    while i < len(code):
        c = code[i]
        if c == escape and i + 1 < len(code):
            nxt = code[i + 1]
            if not interpolates and language != "r":  # '...': only the quote and the escape escape
                parts.append(nxt if nxt in (close, escape, opener) else c + nxt)
            else:
                parts.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        if c == close and depth == 0:
            if language == "powershell" and close == "'" and code[i + 1:i + 2] == "'":  # '' inside '...'
                parts.append("'")
                i += 2
                continue
            return "".join(parts), i + 1
        depth += (c == opener) - (c == close) if opener else 0
        if interpolation and (m := interpolation.match(code, i)):
            parts.append(DYN)
            i = m.end()
            continue
        parts.append(c)
        i += 1
    raise _Unreadable(f"unterminated string near {code[max(0, i - 40):i]!r}")


def tokenize(language: str, code: str) -> tuple[str, list[_Literal]]:
    """The code with each literal replaced by a placeholder and each comment by a space."""
    line_comments, block_comments, quotes, _ = _SYNTAX[language]
    quote_like, kinds = _QUOTE_LIKE.get(language, (None, {}))
    out: list[str] = []
    literals: list[_Literal] = []

    def emit(value: str, start: int, end: int, kind: str) -> int:
        literals.append(_Literal(value, code[start:end], kind))
        out.append(f"\x01{len(literals) - 1}\x01")
        return end

    i = 0
    while i < len(code):
        c = code[i]
        block = next((pair for pair in block_comments if code.startswith(pair[0], i)), None)
        if block:
            end = code.find(block[1], i + len(block[0]))
            if end < 0:
                raise _Unreadable("unterminated comment")
            out.append(" ")
            i = end + len(block[1])
        elif language == "powershell" and code.startswith(("@'", '@"'), i):  # here-string
            close = code[i + 1] + "@"
            end = code.find("\n" + close, i + 2)
            if end < 0:
                raise _Unreadable("unterminated here-string")
            body = code[i + 2:end].lstrip("\r\n")
            if code[i + 1] == '"':
                body = _INTERPOLATION["powershell"].sub(DYN, body)
            i = emit(body, i, end + 3, "str")
        elif language == "julia" and code.startswith('"""', i):
            end = code.find('"""', i + 3)
            if end < 0:
                raise _Unreadable("unterminated string")
            i = emit(_INTERPOLATION["julia"].sub(DYN, code[i + 3:end]), i, end + 3, "str")
        elif quote_like and (m := quote_like.match(code, i)):
            op, opener = m.groups()
            close = _PAIRS.get(opener, opener)
            kind, interpolates = kinds[op]
            value, end = _read_string(language, code, m.end(), close, interpolates, opener if close != opener else "")
            i = emit(value, i, end, kind)
        elif any(code.startswith(mark, i) for mark in line_comments) and code[i - 1:i] not in ("$", "`"):
            end = code.find("\n", i)
            i = len(code) if end < 0 else end
        elif c in quotes:
            kind, interpolates = quotes[c]
            if language == "r" and c == "`":
                out.append(c)
                i += 1
                continue
            value, end = _read_string(language, code, i + 1, c, interpolates)
            i = emit(value, i, end, kind)
        elif language == "julia" and c == "'" and (m := re.compile(r"'(\\.|[^\\'])'").match(code, i)):
            i = emit(m.group(1), i, m.end(), "str")  # a Char; `a'` is a transpose
        else:
            out.append(c)
            i += 1
    return "".join(out), literals


def _split_top(text: str, separator: str = ",") -> list[str]:
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        depth += (c in "([{") - (c in ")]}")
        if c == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


# ---------------------------------------------------------------- rules
_NOT_METHOD = r"(?<![\w$.>:@%&-])"
_HTTP_VERB = r"(?P<verb>get|post|put|patch|delete|head)"
# (languages, pattern over the skeleton, action); compiled per language on first use
# (compiling them all would cost every reader ~40 ms).
_RULE_SOURCES: list[tuple[set[str], str, str]] = [
    (set(languages.split()), pattern, action)
    for languages, pattern, action, _flags in [
        # shell-outs
        ("ruby", _NOT_METHOD + r"(?:Kernel\s*\.\s*)?(?:system|exec|spawn)|\bIO\s*\.\s*popen|\bOpen3\s*\.\s*\w+",
         "argv", ""),
        ("php", _NOT_METHOD + r"(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)", "shell", ""),
        ("perl", _NOT_METHOD + r"(?:system|exec)", "argv", ""),
        ("r", r"(?<![\w.$])(?:base::)?(?:system|shell)", "shell", ""),
        ("r", r"(?<![\w.$])(?:base::)?system2|\bprocessx::run|\bsys::exec_(?:wait|internal)", "argv-vector", ""),
        ("julia", r"(?<![\w.])(?:Base\.)?(?:run|read|success|pipeline)", "julia-run", ""),
        # file deletion
        ("ruby", r"\bFileUtils\s*(?:\.|::)\s*(?:rm_rf|rm_r|remove_dir|remove_entry_secure|remove_entry|rmtree)(?!\w)",
         "tree", ""),
        ("ruby", r"\b(?:File|FileUtils|Dir)\s*(?:\.|::)\s*(?:delete|unlink|rm_f|rm|remove_file|rmdir)(?!\w)", "file", ""),
        ("php", _NOT_METHOD + r"(?:unlink|rmdir)|\bFile::delete", "file", ""),
        ("php", r"\b(?:File|Storage)::deleteDirectory", "tree", ""),
        ("perl", _NOT_METHOD + r"(?:File::Path::)?(?:rmtree|remove_tree)", "tree", ""),
        ("perl", _NOT_METHOD + r"(?:unlink|rmdir)", "file", ""),
        ("r", r"(?<![\w.$])(?:base::)?unlink", "r-unlink", ""),
        ("r", r"(?<![\w.$])(?:base::)?file\.remove|\bfs::file_delete", "file", ""),
        ("r", r"\bfs::dir_delete", "tree", ""),
        ("julia", r"(?<![\w.])(?:Base\.)?(?:Filesystem\.)?rm", "julia-rm", ""),
        # HTTP
        ("ruby", r"\bNet::HTTP::(?P<verb>Get|Post|Put|Patch|Delete)\s*\.\s*new", "http-verb-url", ""),
        ("ruby", r"\b(?:HTTParty|RestClient|Faraday|HTTP|Typhoeus|Excon)\s*\.\s*" + _HTTP_VERB, "http-verb-url", ""),
        ("ruby", r"\bNet::HTTP\s*\.\s*(?P<verb>post|put|patch|delete)", "http-verb-url", ""),
        ("php", r"->\s*" + _HTTP_VERB, "http-verb-url", ""),
        ("php", r"\bHttp::(?:\w+\([^;]*?\)\s*->\s*)*" + _HTTP_VERB, "http-verb-url", ""),
        ("php", r"->\s*request", "http-method-url", ""),
        ("php", r"\bcurl_setopt", "php-curl", ""),
        ("perl", r"->\s*" + _HTTP_VERB, "http-verb-url", ""),
        ("perl", r"\bHTTP::Request\s*->\s*new|->\s*request", "http-method-url", ""),
        ("r", r"(?<![\w.$])(?:httr::)?(?P<verb>GET|POST|PUT|PATCH|DELETE|HEAD)", "http-verb-url", ""),
        ("r", r"(?<![\w.$])(?:httr::)?VERB|\bcrul::HttpClient", "http-method-url", ""),
        ("r", r"(?<![\w.$])(?:httr2::)?req_method", "r-req-method", ""),
        ("julia", r"\bHTTP\s*\.\s*" + _HTTP_VERB, "http-verb-url", ""),
        ("julia", r"\bHTTP\s*\.\s*request", "http-method-url", ""),
        # SQL
        ("ruby php perl julia", r"(?:\.|->|::)\s*(?:execute|exec_query|exec|query|prepare|do|select_all|"
                                r"selectall_arrayref|selectrow_array|unprepared|statement|raw|execute_batch)",
         "sql", ""),
        ("php", _NOT_METHOD + r"(?:mysqli_query|pg_query|mysql_query|sqlite_exec)", "sql", ""),
        ("r", r"(?<![\w.$])(?:DBI::)?(?:dbExecute|dbGetQuery|dbSendQuery|dbSendStatement)", "sql-second", ""),
        ("julia", r"\b(?:DBInterface|SQLite|LibPQ)\s*\.\s*execute", "sql-second", ""),
        # ORM, redis, cloud
        ("ruby", r"\b(?P<model>[A-Z]\w*)(?P<chain>(?:\s*\.\s*(?:all|unscoped|where\([^()]*\)|order\([^()]*\)))*)"
                 r"\s*\.\s*(?P<op>delete_all|destroy_all)", "ar-delete-all", ""),
        ("php", r"\b(?P<model>[A-Z]\w*)::(?:query\(\)\s*->\s*)?(?P<op>truncate)\s*\(", "laravel-truncate", ""),
        ("php", r"\bDB::table\s*\(\s*(?P<table>" + _PH_RE + r")\s*\)(?P<chain>(?:\s*->\s*\w+\([^;]*?\))*?)"
                r"\s*->\s*(?P<op>delete|truncate)\s*\(\s*\)", "laravel-table", ""),
        ("ruby php perl r julia", r"(?:\.|->|::|\$)\s*(?:flushall|flushdb|flushAll|flushDb|flushDB)\b", "redis", ""),
        ("ruby php perl r julia", r"(?:\.|->|::|\$)\s*(?P<op>(?:delete|terminate|purge|empty|drop|remove|destroy|"
                                  r"deregister)_?[A-Za-z]\w*)", "sdk", ""),
    ]
]
_COMPILED: dict[str, list[tuple[re.Pattern, str]]] = {}


def _rules(language: str) -> list[tuple[re.Pattern, str]]:
    if language not in _COMPILED:
        _COMPILED[language] = [(re.compile(pattern), action) for languages, pattern, action in _RULE_SOURCES
                               if language in languages]
    return _COMPILED[language]


# Calls that hand their argument on unchanged, for what a URL or a path is.
_PASS_THROUGH = re.compile(r"\b(?:URI(?:\s*(?:\.|::)\s*parse)?|Pathname(?:\.new)?|normalizePath|path\.expand|"
                           r"abspath|expanduser|realpath|Path)\s*\(")
# A fresh scratch file or directory: tempfile() (R), tempname()/mktempdir() (julia), Dir.mktmpdir (ruby).
_SCRATCH = re.compile(r"(?:tempfile|tempdir|tempname|mktempdir|Dir\.mktmpdir|sys_get_temp_dir)\s*\(\s*\)")
_CLOUD_SDK = re.compile(r"\bAws(?:::|\\)|\baws-sdk|\bpaws\b|\bAWS\.|\bGoogle(?:::|\\)Cloud|\bAzure\b|\bAWSS3\b|"
                        r"\brequire\s*\(?\s*\x01\d+\x01|Aws\.|\bboto", re.I)
_PS_REMOVE_ITEM = {"remove-item", "rm", "del", "erase", "rd", "ri", "rmdir"}
_PS_HTTP = {"invoke-restmethod", "irm", "invoke-webrequest", "iwr"}
_PS_KEYWORDS = set("""if elseif else foreach for while do until switch function filter param return break
continue try catch finally throw trap begin process end exit class enum using import-module""".split())
_PS_LOCAL_NOUNS = {"variable", "alias", "module", "psdrive", "job", "event", "typedata", "psbreakpoint",
                   "pssession", "itemproperty", "host", "history", "formatdata", "psreadlinekeyhandler"}


class _TokenReader:
    def __init__(self, language: str, code: str, findings, sinks_only: bool, depth: int):
        self.language, self.code, self.findings = language, code, findings
        self.sinks_only, self.depth = sinks_only, depth
        self.constants: dict[str, str] = {}
        self.work = 50 * len(code) + 100_000  # characters of call arguments to split, at most

    def read(self) -> None:
        try:
            self.skel, self.lits = tokenize(self.language, self.code)
        except _Unreadable as error:
            self.findings.add("code.unparseable", None, f"{self.language}: {error}")
            return
        self._assignments()
        if self.language == "powershell":
            self._powershell()
            return
        if not self.sinks_only:
            for lit in self.lits:
                if lit.kind == "shell" and self.language != "julia":
                    self.findings.command(lit.value, lit.source)
        cloud = bool(_CLOUD_SDK.search(self._restore(self.skel)))
        for pattern, action in _rules(self.language):
            if self.sinks_only and action in ("argv", "shell", "argv-vector", "julia-run", "tree", "file",
                                              "r-unlink", "julia-rm"):
                continue
            if action == "sdk" and not cloud:
                continue
            for m in pattern.finditer(self.skel):
                call = self._call_args(m.end())
                if call is None and action not in ("ar-delete-all", "laravel-table", "laravel-truncate", "redis", "sdk"):
                    continue
                args, end = call if call is not None else ([], m.end())
                self.work -= end - m.start()
                if self.work < 0:  # calls nested thousands deep: reading them all would take seconds
                    self.findings.add("code.unparseable", None, f"{self.language}: too deeply nested to read")
                    return
                self._apply(action, m, args, self._restore(self.skel[m.start():min(end, m.start() + 400)]))

    # ------------------------------------------------------------ values
    def _assignments(self) -> None:
        """Names assigned exactly one string literal: `url = "..."`, `$q = '...'`, `sql <- "..."`."""
        counts: dict[str, int] = {}
        pattern = r"(?:\bmy\s+|\blocal\s+|\bconst\s+)?([$@]?[A-Za-z_][\w.]*)\s*(?:<-|(?<![=!<>])=(?![=~>]))\s*"
        for m in re.finditer(pattern + r"(" + _PH_RE + r")?", self.skel):
            name = m.group(1)
            counts[name] = counts.get(name, 0) + 1
            if m.group(2) and re.match(r"\s*(?:[;\n}]|$)", self.skel[m.end():]):
                self.constants[name] = self.lits[int(_PH.match(m.group(2)).group(1))].value
        if self.language == "powershell":  # $body = @{query = '...'} | ConvertTo-Json
            for m in re.finditer(r"(\$\w+)\s*=\s*(@\{[^{}]*\})\s*\|\s*ConvertTo-Json\b", self.skel, re.I):
                if (found := self.collection(m.group(2))) is not None:
                    self.constants[m.group(1)] = json.dumps(found)
        self.constants = {n: v for n, v in self.constants.items() if counts.get(n) == 1}

    def _restore(self, text: str) -> str:
        return _PH.sub(lambda m: self.lits[int(m.group(1))].source, text).strip()

    def value(self, arg: str) -> str:
        """The string an argument evaluates to, DYN for run-time parts."""
        arg = arg.strip()
        if arg in self.constants:
            return self.constants[arg]
        if self.language == "r" and (m := re.fullmatch(r"(?:base::)?paste0?\s*\((.*)\)", arg, re.S)):
            parts = [p for p in _split_top(m.group(1)) if not re.match(r"(?:sep|collapse)\s*=", p)]
            return "".join(self.value(p) for p in parts)
        if _SCRATCH.fullmatch(arg):
            return "/tmp/" + DYN
        arg = _PASS_THROUGH.sub("", arg)
        out = []
        for n, part in enumerate(_PH.split(arg)):
            if n % 2:
                out.append(self.lits[int(part)].value)
                continue
            rest = ""
            for token in re.split(r"[\s+.*()]+", part):
                if token in self.constants:
                    out.append(self.constants[token])
                elif token:
                    rest += token
            if rest:
                out.append(DYN)
        return re.sub(DYN + "+", DYN, "".join(out)) if out else DYN

    def literals_in(self, text: str) -> list[str]:
        return [self.lits[int(n)].value for n in _PH.findall(text)]

    def collection(self, text: str) -> dict | None:
        """A hash/array/list literal with string keys: {query: "..."}, ['query' => '...'],
        list(query = "..."), @{query='...'}, Dict("query" => "..."): as a dict."""
        pairs = re.findall(r"(?:(" + _PH_RE + r")|([A-Za-z_]\w*))\s*(?:=>|:(?!:)|=(?![=>]))\s*(" + _PH_RE +
                           r"|-?\d+(?:\.\d+)?|true|false|TRUE|FALSE|\$true|\$false)", text)
        if not pairs:
            return None
        out: dict = {}
        for key_lit, key_name, value in pairs:
            key = self.lits[int(_PH.match(key_lit).group(1))].value if key_lit else key_name
            value = self.lits[int(_PH.match(value).group(1))].value if _PH.match(value) else \
                json.loads(value.lower().lstrip("$")) if value.lower().lstrip("$") in ("true", "false") else \
                float(value) if "." in value else int(value)
            out[key] = value
        return out

    def _close_of(self, i: int) -> int:
        """Where the bracket opened at i closes (len(skel) if never): one pass for the whole
        skeleton, so a file of unclosed calls costs linear time, not quadratic."""
        if not hasattr(self, "_closers"):
            self._closers: dict[int, int] = {}
            stack: list[int] = []
            for j, c in enumerate(self.skel):
                if c in "([{":
                    stack.append(j)
                elif c in ")]}" and stack:
                    self._closers[stack.pop()] = j
        return self._closers.get(i, len(self.skel))

    def _call_args(self, pos: int) -> tuple[list[str], int] | None:
        s = self.skel
        i = re.compile(r"[ \t]*").match(s, pos).end()
        if s[i:i + 1] == "(":
            j = self._close_of(i)
            return _split_top(s[i + 1:j]), j + 1
        if self.language not in ("perl", "ruby", "julia") or re.compile(r"\s*(?:=[^=~]|\.|->|::|$)").match(s, i):
            return None
        end = re.compile(r"[;\n}]| or | and | if | unless ").search(s, i)
        j = end.start() if end else len(s)
        return _split_top(s[i:j]), j

    # ------------------------------------------------------------ actions
    def _apply(self, action: str, m: re.Match, args: list[str], detail: str) -> None:
        findings = self.findings
        if action == "shell" and args:
            findings.command(self.value(args[0]), detail)
        elif action == "argv" and args:
            items = [a for a in args if not a.lstrip().startswith(("{", "[", ":", "%"))] or args
            values = [self.value(a) for a in items]
            findings.command(values[0] if len(values) == 1 else _join(values), detail)
        elif action == "argv-vector" and args:
            words = [self.value(args[0])]
            vector = next((a for a in args[1:] if not re.match(r"\w+\s*=(?!=)", a) or a.startswith("args")), None)
            if vector is not None:
                inner = re.fullmatch(r"(?:args\s*=\s*)?c\s*\((.*)\)", vector, re.S)
                words += [self.value(v) for v in _split_top(inner.group(1))] if inner else [self.value(vector)]
            findings.command(_join(words), detail)
        elif action == "julia-run" and args:
            for n in _PH.findall(args[0]):
                if self.lits[int(n)].kind == "shell":
                    findings.command(self.lits[int(n)].value, detail)
            if not _PH.search(args[0]):
                findings.command(DYN, detail)  # a Cmd built elsewhere
        elif action in ("tree", "file") and args:
            for arg in args[:1] if self.language == "php" else [a for a in args if not re.match(r"\w+\s*[:=]", a)]:
                sinks.delete_path(findings, self.value(arg), action == "tree", detail)
        elif action == "r-unlink" and args:
            recursive = any(re.match(r"recursive\s*=\s*(?:TRUE|T)\b", a) for a in args[1:])
            sinks.delete_path(findings, self.value(args[0]), recursive, detail)
        elif action == "julia-rm" and args:
            recursive = bool(re.search(r"recursive\s*=\s*true", ",".join(args)))
            sinks.delete_path(findings, self.value(args[0].split(";")[0]), recursive, detail)
        elif action == "http-verb-url":
            self._http(m.group("verb"), args, detail)
        elif action == "http-method-url" and args:
            method, rest = self.value(args[0].split("=>")[0] if "=>" in args[0] else args[0]), args[1:]
            if "=>" in args[0]:  # HTTP::Request->new(DELETE => $url)
                method, rest = args[0].split("=>")[0].strip(), [args[0].split("=>", 1)[1]] + args[1:]
            if re.fullmatch(r"[A-Za-z]+", method.strip() if method != DYN else "") or method == DYN:
                self._http(method, rest, detail)
        elif action == "php-curl" and len(args) >= 3 and "CUSTOMREQUEST" in args[1]:
            url = next((v for v in (lit.value for lit in self.lits) if v.startswith(("http://", "https://"))), DYN)
            sinks.http_request(findings, self.value(args[2]), url, None, {}, False, detail)
        elif action == "r-req-method" and args:
            method = self.value(args[-1])
            url = next((v for v in (lit.value for lit in self.lits) if v.startswith(("http://", "https://"))), DYN)
            sinks.http_request(findings, method, url, None, {}, False, detail)
        elif action == "sql" and args:
            text = self.value(args[0])
            sinks.sql(findings, text, detail.split("(")[0], detail, driver=False)
        elif action == "sql-second" and len(args) > 1:
            sinks.sql(findings, self.value(args[1]), detail.split("(")[0], detail, driver=True)
        elif action == "ar-delete-all":
            if "where" not in m.group("chain"):
                sinks.delete_all(findings, m.group("model"), detail)
        elif action == "laravel-truncate":
            sinks.delete_all(findings, m.group("model"), detail, truncate=True)
        elif action == "laravel-table":
            table = self.value(m.group("table"))
            if m.group("op") == "truncate" or "where" not in m.group("chain").lower():
                sinks.delete_all(findings, table, detail, truncate=m.group("op") == "truncate")
        elif action == "redis":
            sinks.redis_command(findings, ["FLUSHALL" if "all" in m.group().lower() else "FLUSHDB"], detail)
        elif action == "sdk" and len(sinks.operation_words(m.group("op"))) > 1:
            resource = next((self.value(a.split("=")[-1].split(":")[-1]) for a in args
                             if _PH.search(a) and DYN not in self.value(a.split("=")[-1].split(":")[-1])), None)
            sinks.sdk_delete(findings, m.group("op"), resource, detail)

    def _http(self, method: str, args: list[str], detail: str) -> None:
        if not args:
            return
        url = self.value(args[0])
        rest = ", ".join(args[1:])
        body = None
        body_literals = self.literals_in(rest)
        json_literal = next((v for v in body_literals if v.lstrip()[:1] in ("{", "[") and _is_json(v)), None)
        if json_literal is not None:
            body = json_literal
        elif (found := self.collection(rest)) and any(k in found for k in ("query", "mutation")):
            body = json.dumps(found)
        elif body_literals:
            body = sinks.graphql_body(body_literals) or (
                body_literals[-1] if method.upper() in ("POST", "PUT", "PATCH") else None)
        elif rest and method.upper() in ("POST", "PUT", "PATCH") and re.search(r"\b(?:body|json|data)\b", rest, re.I):
            body = DYN
        headers = {}
        for key, value in (self.collection(rest) or {}).items():
            if isinstance(value, str) and re.search(r"authorization|token|api-?key|cookie", key, re.I):
                headers[key] = value
        sinks.http_request(self.findings, method if method != DYN else DYN, url, body, headers,
                           body is not None and body.lstrip()[:1] in ("{", "["), detail)

    # ------------------------------------------------------------ powershell
    def _powershell(self) -> None:
        for statement in _ps_statements(self.skel):
            words = _ps_words(statement)
            if not words:
                continue
            first = words[0]
            lowered = first.lower()
            detail = self._restore(statement)[:200]
            if first.startswith("&") and len(first) > 1:
                words = [first[1:].strip()] + words[1:]
                first, lowered = words[0], words[0].lower()
            elif first == "&":
                words = words[1:]
                if not words:
                    continue
                first, lowered = words[0], words[0].lower()
            if lowered in _PS_KEYWORDS or first[:1] in ("$", "(", "@", "[", "{", "}", ")", "-", "'", '"', ".") \
                    or re.match(r"\d", first):
                self._ps_inner(statement, detail)
                continue
            params, positional = _ps_params(words[1:])
            value = lambda w: self.ps_value(w) if w is not None else None  # noqa: E731
            if lowered in _PS_REMOVE_ITEM:
                if self.sinks_only:
                    continue
                paths = params.get("path") or params.get("literalpath") or (positional[:1] or [DYN])
                recursive = any(k in params for k in ("recurse", "r", "rec"))
                for path in _split_top(paths if isinstance(paths, str) else ",".join(paths)) or [DYN]:
                    sinks.delete_path(self.findings, value(path), recursive, detail)
            elif lowered in _PS_HTTP:
                method = value(params["method"]) if "method" in params else "GET"
                url = value(params.get("uri") or (positional[0] if positional else None)) or DYN
                self._ps_http(method, url, params, detail)
            elif lowered == "invoke-sqlcmd":
                query = params.get("query")
                if query is not None:
                    sinks.sql(self.findings, value(query), "Invoke-Sqlcmd", detail, driver=True)
            elif lowered in ("invoke-expression", "iex"):
                code = value(params.get("command") or (positional[0] if positional else None)) or DYN
                if DYN in code:
                    self.findings.add("code.dynamic-eval", None, detail)
                elif self.depth < 8:
                    _TokenReader("powershell", code, self.findings, self.sinks_only, self.depth + 1).read()
            elif lowered in ("start-process", "saps", "start"):
                if self.sinks_only:
                    continue
                program = value(params.get("filepath") or (positional[0] if positional else None)) or DYN
                arglist = params.get("argumentlist") or (positional[1] if len(positional) > 1 else None)
                items = [value(a) for a in _split_top(arglist)] if arglist else []
                self.findings.command(_join([program] + items), detail)
            elif "-" in first and re.fullmatch(r"[A-Za-z]+-[A-Za-z][\w]*", first):
                verb, noun = first.split("-", 1)
                if (verb.lower() in sinks.DESTRUCTIVE_VERBS or verb.lower() == "clear") \
                        and noun.lower() not in _PS_LOCAL_NOUNS:
                    if noun.lower() == "content":
                        target = value(params.get("path") or (positional[0] if positional else None)) or DYN
                        self.findings.add("code.truncate-file", target, detail)
                    else:
                        resource = params.get("name") or params.get("resourcegroupname") or (
                            positional[0] if positional else None)
                        sinks.sdk_delete(self.findings, first, value(resource) if resource else None, detail)
                else:
                    self._ps_inner(statement, detail)
            elif not self.sinks_only and re.fullmatch(r"[\w./\\:~-]+", self._restore(first)):
                # a native program: the statement is a command line, judged as one
                self.findings.command(_join([self.ps_value(w) for w in words]), detail)

    def ps_value(self, word: str) -> str:
        """In command mode a bare word is a string: `-Method Delete`, `C:\\data`, `prod-rg`."""
        word = word.strip()
        if word and not re.search(r"[$()@{}\[\]\x01,]", word):
            return word
        return self.value(word)

    def _ps_inner(self, statement: str, detail: str) -> None:
        """Commands inside ( ), $( ), { } of a statement that starts with something else."""
        for inner in re.findall(r"[({]\s*([A-Za-z][\w-]*-[A-Za-z]\w*[^(){}]*)[)}]", statement):
            if inner.strip() != statement.strip():
                saved, self.skel = self.skel, inner
                try:
                    self._powershell()
                finally:
                    self.skel = saved

    def _ps_http(self, method: str, url: str, params: dict, detail: str) -> None:
        body_text = params.get("body")
        body = None
        if body_text is not None:
            literals = self.literals_in(body_text)
            found = self.collection(body_text) if "@{" in body_text else None
            if found is not None:
                body = json.dumps(found)
            elif len(literals) == 1 and _PH.fullmatch(body_text.strip()):
                body = literals[0]
            elif body_text.strip() in self.constants:
                body = self.constants[body_text.strip()]
            else:
                body = sinks.graphql_body(literals) or DYN
        headers = {}
        if "headers" in params:
            for key, value in (self.collection(params["headers"]) or {}).items():
                headers[key] = value if isinstance(value, str) else DYN
        content_type = self.value(params["contenttype"]) if "contenttype" in params else ""
        json_body = "json" in content_type or (body is not None and body.lstrip()[:1] in ("{", "["))
        sinks.http_request(self.findings, method, url, body, headers, json_body, detail)


def _ps_statements(skeleton: str) -> list[str]:
    """Statements and pipeline stages at bracket depth 0."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(skeleton):
        c = skeleton[i]
        depth += (c in "([{") - (c in ")]}")
        if depth <= 0 and c in ";\n|&":
            parts.append(skeleton[start:i])
            start = i + 1
        i += 1
    parts.append(skeleton[start:])
    return [p for p in parts if p.strip()]


def _ps_words(statement: str) -> list[str]:
    """A PowerShell statement's words; a bracketed group ( ), @{ }, { } is one word."""
    words, depth, current = [], 0, ""
    for c in statement.strip():
        if c.isspace() and depth == 0:
            if current:
                words.append(current)
            current = ""
            continue
        depth += (c in "([{") - (c in ")]}")
        current += c
    if current:
        words.append(current)
    return words


def _ps_params(words: list[str]) -> tuple[dict, list[str]]:
    """-Name value pairs (lower-case names; switches map to ''), and the positional words."""
    params, positional, i = {}, [], 0
    while i < len(words):
        word = words[i]
        if re.fullmatch(r"-[A-Za-z]\w*:?", word):
            name = word[1:].rstrip(":").lower()
            takes_value = i + 1 < len(words) and not re.fullmatch(r"-[A-Za-z]\w*:?", words[i + 1]) and \
                name not in ("recurse", "force", "r", "rec", "confirm", "whatif", "usebasicparsing", "wait",
                             "nonewwindow", "passthru")
            if takes_value:
                value, i = words[i + 1], i + 1
                while value.endswith(",") and i + 1 < len(words):  # -ArgumentList 'a', 'b'
                    value, i = value + words[i + 1], i + 1
                params[name] = value
            else:
                params[name] = ""
        else:
            positional.append(word)
        i += 1
    return params, positional


def _is_json(text: str) -> bool:
    try:
        json.loads(text.replace(DYN, "x"), strict=False)
    except ValueError:
        return False
    return True


def _join(words: list[str]) -> str:
    from .findings import argv_line as _argv_line  # a shell-quoting join

    return _argv_line(words)


def read_tokens_more(language: str, code: str, findings, sinks_only: bool = False, depth: int = 0) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _TokenReader(language, code, findings, sinks_only, depth).read()


def analyze_tokens_more(language: str, code: str, sinks_only: bool = False):
    from .findings import CodeFindings

    findings = CodeFindings()
    read_tokens_more(language, code, findings, sinks_only)
    return findings
