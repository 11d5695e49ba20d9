"""The patterns over a token skeleton (calls that delete, run, send, eval), and
the reader that applies them."""

from __future__ import annotations

import re

from ...model import DYN
from .findings import SQL_START, URL, CodeFindings, argv_line
from .tokens import HOME_IN_SKELETON, HOME_IN_TEXT, PH, PH_RE, Literal, Unreadable, split_top, tokenize


_STATEMENT_END = re.compile(r"[;)\]}\n]|(?<![\w$])(?:or|and|if|unless|for|foreach|while|until)\b|&&|\|\|")
# Arguments that are options, callbacks or numbers rather than paths and command words.
_OPTION = re.compile(r"\{|\d+\s*$|[\w$]+\s*:(?!:)|:\w|function\b|async\b|(?:\([^()]*\)|[\w$]+)\s*=>")
_PATH_BUILDER = re.compile(r"(?:[A-Za-z_$][\w$]*(?:\.|::|->))*(?:glob|join|resolve|normalize|expand_path|"
                           r"realpath|abs_path|rel2abs|catfile|catdir|new|Path|Dir)\s*[(\[]")
_DECODER = re.compile(r"\b(?:atob|decode_base64|decode64|base64_decode|b64decode|hex2bin|str_rot13|gzinflate|"
                      r"gzuncompress|fromCharCode|unpack|pack|unhexlify)\b|Buffer\.from\s*\(")
_HTTP_CLIENTS = {"axios", "got", "superagent", "request", "needle", "ky", "RestClient", "HTTParty", "Faraday",
                 "Http", "HTTP", "http", "ua", "Net::HTTP"}
_HTTP_METHOD = re.compile(  # {method: 'DELETE'}, open('DELETE', url), HTTP::Request->new(DELETE => url), ...
    r"(?:\b(?:method|type|CURLOPT_CUSTOMREQUEST)\b|\x01(\d+)\x01)\s*(?:=>|:|=|,)\s*\x01(\d+)\x01"
    r"|(?:request|Request|open|new)\s*\(\s*\x01(\d+)\x01\s*,"
    r"|HTTP::Request\s*->\s*new\s*\(\s*DELETE\b|\bNet::HTTP::Delete\b|\bmethod\s*(?::|=>)\s*:delete\b")
_CHILD_PROCESS = r"(?:(?<![\w$.])|(?:child_process|childProcess|cp|require\(" + PH_RE + r"\))\s*\.\s*)"
_PERL, _PHP = r"(?<![\w$@%&>:-])", r"(?<![\w$>:])"  # a function, not a method or variable
_RULES = [(families.split(), re.compile(callee + r"(?![\w$])"), action) for families, callee, action in [
    ("node", r"\b(?:rimraf(?:\.sync|Sync)?|deleteSync"
             r"|(?:fs|fse|fsExtra)\.(?:remove|removeSync|emptyDir|emptyDirSync))", "tree"),
    ("node", r"(?<![\w$])(?:rmSync|rmdirSync|rmdir|rm|Deno\.removeSync|Deno\.remove)", "tree-if-recursive"),
    ("node", r"(?<![\w$])(?:unlinkSync|unlink)", "file"),
    ("node", r"(?<![\w$])(?:truncateSync|truncate|ftruncateSync)", "truncate"),
    ("node", r"(?<![\w$])(?:writeFileSync|writeFile|Deno\.writeTextFileSync|Deno\.writeTextFile|Bun\.write)",
     "truncate-if-empty"),
    ("node", _CHILD_PROCESS + r"(?:execSync|exec)", "child-process-shell"),
    ("node", _CHILD_PROCESS + r"(?:spawnSync|spawn|execFileSync|execFile)", "child-process-argv"),
    ("node", r"\b(?:Deno\.(?:Command|run)|Bun\.(?:spawnSync|spawn))", "argv"),
    ("node", r"(?<![\w$.])eval|\bvm\.runIn\w*Context|\bnew\s+vm\.Script", "eval"),
    ("node", r"\bnew\s+Function", "eval-last"),
    ("node", r"(?<![\w$.])(?:require|import)", "dynamic-import"),
    ("perl", _PERL + r"(?:File::Path::)?(?:rmtree|remove_tree)", "tree"),
    ("perl", r"->\s*(?:remove_tree|rmtree)", "receiver-tree"),
    ("perl", _PERL + r"(?:unlink|rmdir)", "file"),
    ("perl", _PERL + r"truncate", "truncate"),
    ("perl", _PERL + r"open", "perl-open"),
    ("perl", _PERL + r"(?:system|exec)", "argv"),
    ("perl", _PERL + r"eval", "eval"),
    ("ruby", r"\bFileUtils\s*(?:\.|::)\s*(?:rm_rf|rm_r|remove_dir|remove_entry_secure|remove_entry|rmtree)"
             r"|(?<![\w.:])(?:rm_rf|rm_r)", "tree"),
    ("ruby", r"(?<!FileUtils)\.\s*rmtree", "receiver-tree"),
    ("ruby", r"\b(?:File|FileUtils|Dir)\s*(?:\.|::)\s*"
             r"(?:delete|unlink|rm_f|rm|remove_file|remove|rmdir|safe_unlink)", "file"),
    ("ruby", r"\bFile\s*\.\s*truncate", "truncate"),
    ("ruby", r"\bFile\s*\.\s*(?:write|binwrite)", "truncate-if-empty"),
    ("ruby", r"\bFile\s*\.\s*open", "open-write"),
    ("ruby", r"(?<![\w.:$@])(?:system|exec|spawn)|\b(?:Kernel|Process)\s*\.\s*(?:system|exec|spawn)"
             r"|\bIO\s*\.\s*popen|\bOpen3\s*\.\s*\w+", "argv"),
    ("ruby", r"(?<![\w.:])eval|\.\s*(?:instance_eval|class_eval|module_eval)", "eval"),
    ("php", r"\b(?:File|Storage)::deleteDirectory", "tree"),
    ("php", _PHP + r"(?:unlink|rmdir)|\bFile::delete", "file"),
    ("php", _PHP + r"ftruncate", "truncate"),
    ("php", _PHP + r"file_put_contents", "truncate-if-empty"),
    ("php", _PHP + r"fopen", "open-write"),
    ("php", _PHP + r"array_(?:map|walk)", "php-callback"),
    ("php", _PHP + r"(?:system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec)", "shell"),
    ("php", _PHP + r"(?:eval|assert)", "eval"),
    ("awk", r"\bsystem", "shell"),
    ("lua", r"\b(?:os\s*\.\s*execute|io\s*\.\s*popen)", "shell"),
    ("lua", r"\bos\s*\.\s*remove", "file"),
    ("lua", r"(?<![\w.])(?:loadstring|load|dofile)", "eval"),
    ("node perl ruby php", r"(?:\.|->|::)\s*(?:delete|del)", "http-delete"),
    ("node perl ruby php", r"(?:\.|->)\s*(?:execute|executescript|exec|query|run|prepare|do|raw|unsafe)"
                           r"|" + _PHP + r"(?:mysqli_query|pg_query|mysql_query)", "sql"),
]]
_DELETE_KINDS = {"tree": "code.delete-tree", "file": "code.delete-file", "truncate": "code.truncate-file"}


class TokenReader:
    def __init__(self, family: str, code: str, findings: CodeFindings, depth: int, analyze):
        self.analyze = analyze  # the caller's reader, for eval'd code in any language
        self.family, self.code, self.findings, self.depth = family, code, findings, depth

    def read(self) -> None:
        try:
            self.skel, self.lits = tokenize(self.family, self.code)
        except Unreadable as error:
            self.findings.add("code.unparseable", None, f"{self.family}: {error}")
            return
        self.skel = HOME_IN_SKELETON.sub(self._home, self.skel)
        if DYN in self.skel:
            self.findings.add("code.dynamic-eval", None, f"{self.family} code built at run time")
        for n, lit in enumerate(self.lits):
            tag = lit.kind == "template" and re.search(rf"(?:(?<![\w$])\$|\bsql)\s*\x01{n}\x01", self.skel)
            if lit.kind == "shell" or tag and tag.group().startswith("$"):
                self.findings.command(lit.value, lit.source)  # backticks, qx{}, %x(), Bun's $`...`
            elif tag:  # sql`...` of postgres.js and Bun.sql
                self.findings.sql(lit.value)
        for families, pattern, action in _RULES:
            for m in pattern.finditer(self.skel) if self.family in families else ():
                if (call := self._call_args(m.end())) is not None:
                    self._apply(action, m, call[0], self._restore(self.skel[m.start():call[1]]))
        for m in _HTTP_METHOD.finditer(self.skel):
            key, method = m.group(1), m.group(2) or m.group(3)
            if (key is None or self.lits[int(key)].value.lower() in ("method", "type")) and (
                    method is None or self.lits[int(method)].value.upper() == "DELETE"):
                url = next((lit.value for lit in self.lits if URL.match(lit.value)), DYN)
                self.findings.add("code.http-delete", url, self._restore(m.group()))
        if self.family == "awk":
            self._awk_pipes()

    def _home(self, m: re.Match) -> str:
        """`os.homedir()`, `ENV['HOME']`, ... become the literal '~'."""
        if not HOME_IN_TEXT.fullmatch(self._restore(m.group())):
            return m.group()
        self.lits.append(Literal("~", m.group(), "str"))
        return f"\x01{len(self.lits) - 1}\x01"

    def _restore(self, text: str) -> str:
        return PH.sub(lambda m: self.lits[int(m.group(1))].source, text).strip()

    def _awk_pipes(self) -> None:
        """print x | "cmd" and "cmd" | getline run cmd with sh; print x | "sh" runs x."""
        printing = r"\b(?:print|printf)\b([^;|}\n>]*)(\|(?!\|)|>(?!>))\s*(" + PH_RE + r"|[\w$]+)"
        for m in re.finditer(printing, self.skel):
            printed, operator, destination = m.group(1).strip(), m.group(2), self._value(m.group(3))
            detail = self._restore(m.group())
            if operator == ">":
                self.findings.open_for_write(destination, "w", detail)
            elif re.match(r"\s*(?:\S*/)?(?:ba|da|z|k)?sh(?:\s|$)", destination):
                args = split_top(printed)
                self.findings.command(" ".join(self._value(a) for a in args) if args else DYN, detail)
            else:
                self.findings.command(destination, detail)
        for m in re.finditer(r"(" + PH_RE + r"|[\w$]+)\s*\|\s*getline", self.skel):
            self.findings.command(self._value(m.group(1)), self._restore(m.group()))

    def _call_args(self, pos: int) -> tuple[list[str], int] | None:
        """The argument texts of the call whose callee ends at pos, and where the call ends."""
        s = self.skel
        i = re.compile(r"[ \t]*").match(s, pos).end()
        if s[i:i + 1] == "(":
            depth, j = 0, i
            while j < len(s) and (depth := depth + (s[j] in "([{") - (s[j] in ")]}")) > 0:
                j += 1
            return split_top(s[i + 1:j]), j + 1
        if self.family not in ("perl", "ruby") or re.compile(r"\s*(?:=[^=~]|\.|->|::)").match(s, i):
            return None  # parentheses are required, or this is an assignment or a method chain
        depth, j = 0, i
        while j < len(s) and not (depth == 0 and _STATEMENT_END.match(s, j)):
            depth += (s[j] in "([{") - (s[j] in ")]}")
            j += 1
        return split_top(s[i:j]), j

    def _value(self, arg: str, path: bool = False) -> str:
        """The string an argument evaluates to, DYN for run-time parts. With path, calls that
        only build a path (glob("*.db"), path.join('a', 'b'), Dir["x"]) are seen through."""
        if path and (m := re.fullmatch(r"<([^<>$]+)>", arg.strip())):  # perl's <*.db> glob
            return m.group(1)
        out = []
        for n, part in enumerate(PH.split(arg)):
            if n % 2:
                lit = self.lits[int(part)]
                out.append(lit.value if lit.kind in ("str", "template", "list") else DYN)
                continue
            part = _PATH_BUILDER.sub("", part) if path else part
            rest = re.sub(r"[\s+.()\[\],]" if path else r"[\s+.()\[\]]", "", part)  # concatenation
            out.append(DYN if rest else "/" if path and "," in part else "")
        return re.sub(DYN + "+", DYN, "".join(out))

    def _items(self, args: list[str], path: bool = False) -> tuple[list[str], bool]:
        """The values of the positional arguments with list literals spread; and whether one was a list."""
        items, listy = [], False
        for arg in args:
            if arg.startswith("{"):  # Deno.run({cmd: [...]}), Deno.Command(p, {args: [...]})
                inner = re.search(r"\b(?:cmd|args)\s*:\s*(\[.*\])", arg, re.S)
                if not inner:
                    continue
                arg = inner.group(1)
            if _OPTION.match(arg):
                continue
            lit = self.lits[int(m.group(1))] if (m := PH.fullmatch(arg)) else None
            if arg.startswith("[") and arg.endswith("]"):
                items += [self._value(a, path) for a in split_top(arg[1:-1])]
            elif lit is not None and lit.kind == "list":
                items += lit.value.split()
            else:
                items.append(self._value(arg, path))
                continue
            listy = True
        return items, listy

    def _run(self, args: list[str], detail: str) -> None:
        items, listy = self._items(args)
        if items:
            line = items[0] if len(items) == 1 and not listy else argv_line(items)
            self.findings.command(line, detail, bool(_DECODER.search(" ".join(args))))

    def _apply(self, action: str, m: re.Match, args: list[str], detail: str) -> None:
        add = self.findings.add
        if action == "tree-if-recursive":  # options not written out ({...} or a callback) may say recursive
            unseen_options = len(args) > 1 and not _OPTION.match(args[1])
            recursive = unseen_options or re.search(r"""['"]?recursive['"]?\s*:\s*(?:true|!0|1)""", detail)
            action = "tree" if recursive else "file"
        if action in _DELETE_KINDS:  # in node and php the arguments after the path are options
            paths = args[:1] if self.family in ("node", "php") else args
            for target in self._items(paths, path=True)[0] or [DYN]:  # perl's bare `unlink;` deletes $_
                add(_DELETE_KINDS[action], target, detail)
        elif action == "receiver-tree":  # Pathname.new("x").rmtree, path("x")->remove_tree
            built = re.search(r"(?:Pathname(?:\.new)?|path)\s*\(\s*\x01(\d+)\x01\s*\)\s*$",
                              self.skel[:m.start()])
            add("code.delete-tree", self.lits[int(built.group(1))].value if built else DYN, detail)
        elif action == "truncate-if-empty" and len(args) > 1 and self._value(args[1]) == "":
            add("code.truncate-file", self._value(args[0], path=True), detail)
        elif action == "open-write" and len(args) > 1:
            self.findings.open_for_write(self._value(args[0], path=True), self._value(args[1]), detail)
        elif action == "perl-open" and len(args) > 1:  # open(F, "cmd |"), open(F, ">x"), open(F, ">", "x")
            spec = self._value(args[1]).strip()
            if len(args) == 2 and (pipe := re.fullmatch(r"\|(.*)|(.*?)\|", spec, re.S)):
                self.findings.command(pipe.group(1) or pipe.group(2), detail)
            elif len(args) == 2 and (out := re.fullmatch(r"(\+?>+)\s*(.*)", spec, re.S)):
                self.findings.open_for_write(out.group(2), out.group(1), detail)
            elif spec in ("-|", "|-"):
                self._run(args[2:], detail)
            elif len(args) > 2:
                self.findings.open_for_write(self._value(args[2], path=True), spec, detail)
        elif action == "php-callback" and len(args) > 1 and self._value(args[0]) in ("unlink", "rmdir"):
            add("code.delete-file", self._value(args[1], path=True), detail)  # array_map('unlink', glob(..))
        elif action in ("shell", "argv") or action.startswith("child-process") and any(
                "child_process" in lit.value for lit in self.lits):
            self._run(args[:1] if action.endswith("shell") else args, detail)
        elif action in ("eval", "eval-last") and not (args and args[0].startswith("{")):  # perl eval {BLOCK}
            code = self._value(args[-1] if action == "eval-last" else args[0]) if args else DYN
            if DYN in code or _DECODER.search(" ".join(args)):
                add("code.dynamic-eval", None, detail)
            if DYN not in code:
                self.analyze(self.family, code, self.findings, self.depth + 1)
        elif action == "dynamic-import" and args and not PH.fullmatch(args[0]):  # require('child_' + x)
            add("code.dynamic-eval", None, detail)
        elif action == "http-delete":
            url = self._value(args[0]) if args else DYN
            receiver = re.search(r"([\w$:]+)\s*(?:\.|->|::)\s*(?:delete|del)$", self.skel[:m.end()])
            if URL.match(url) or receiver and receiver.group(1).lstrip("$") in _HTTP_CLIENTS:
                add("code.http-delete", url, detail)
        elif action == "sql":
            for text in map(self._value, args):
                if SQL_START.match(text):
                    self.findings.sql(text)
