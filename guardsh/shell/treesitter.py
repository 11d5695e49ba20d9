"""Shell text -> the simple commands it will run, read as bash reads them.

tree-sitter-bash builds the syntax tree; this module walks it in execution
order and hands every simple command, with its words unquoted, to
`scan.emit`. Words whose value is only known at run time carry `DYN`.
Anything the tree cannot account for is reported, never skipped: the caller
treats it as dangerous.
"""

from __future__ import annotations

import os

from ..model import DYN, SHELL_SETUP, Command, Redirect, Stdin, Word
from .budget import BudgetExceeded

_parser = None

# Unquoted characters that the shell gives a meaning to; kept apart from their
# quoted twins until brace and glob expansion are done.
# An unquoted ~ is kept apart too: bash expands it after brace expansion.
_BRACE_OPEN, _BRACE_COMMA, _BRACE_CLOSE, _TILDE = "\x01", "\x02", "\x03", "\x04"
_UNQUOTED = str.maketrans({"{": _BRACE_OPEN, ",": _BRACE_COMMA, "}": _BRACE_CLOSE, "~": _TILDE})
_RESTORE = str.maketrans({_BRACE_OPEN: "{", _BRACE_COMMA: ",", _BRACE_CLOSE: "}", _TILDE: "~"})

_ANSI_C_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
                   "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}



def get_parser():
    global _parser
    if _parser is None:
        binding = _load_extension("tree_sitter", "_binding")
        grammar = _load_extension("tree_sitter_bash", "_binding")
        if binding is None or grammar is None:
            import tree_sitter as binding
            import tree_sitter_bash as grammar
        _parser = binding.Parser(binding.Language(grammar.language()))
    return _parser


def _load_extension(package: str, name: str):
    """Load a package's compiled module without running the package's
    __init__: tree_sitter's imports typing (and with it re), tree_sitter_bash's
    importlib.resources (and pathlib, tempfile): together ~25 ms that every
    agent command would pay for code guardsh never calls. None if not found."""
    import importlib.machinery  # importlib.util would cost another 4 ms
    import sys

    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    for entry in sys.path:
        folder = os.path.join(entry or ".", package)
        try:
            filename = next((f for f in os.listdir(folder) if f.startswith(name + ".") and f.endswith(suffixes)), None)
        except OSError:
            continue
        if filename is None:
            return None
        try:
            loader = importlib.machinery.ExtensionFileLoader(f"{package}.{name}", os.path.join(folder, filename))
            spec = importlib.machinery.ModuleSpec(loader.name, loader, origin=loader.path)
            module = loader.create_module(spec)
            loader.exec_module(module)
            return module
        except (ImportError, OSError):
            return None
    return None


class Source(bytes):
    """The text's bytes, and where parse() read a word tree-sitter-bash could
    not as an unknown value (`blanked`: start bytes of those words)."""

    blanked: frozenset = frozenset()


def parse(text: str):
    """-> (tree, source bytes, error or None). The tree is returned even with
    an error: the caller may still read what it can, but must not trust it."""
    source = text.encode("utf-8", "surrogateescape")
    safe = _safe_for_tree_sitter(source)
    tree = get_parser().parse(safe)
    if not tree.root_node.has_error:
        return tree, source, None
    patched, blanked = _blank_unreadable_words(safe)
    if blanked:
        retry = get_parser().parse(patched)
        if not retry.root_node.has_error:
            recovered = Source(source)
            recovered.blanked = blanked
            return retry, recovered, None
    return tree, source, _first_error(tree.root_node)


# Recovery from the grammar's known gaps. tree-sitter-bash cannot read some
# words bash reads fine: `${@:1:$# - 1}` (spaces in a substring's arithmetic),
# `${x%%[<{().[]*}` (a pattern of brackets and braces), a `[[ =~ ]]` regex
# holding `[^]]` or continued over a line break. One such word in a
# thousand-line rc file made the whole file a parse error. So when the tree
# has an error, every `${...}` word and `=~` regex that tree-sitter cannot read
# *on its own* is replaced, byte for byte, by a placeholder it can read, and the
# text is parsed again; the walker gives those words an unknown value (DYN),
# so a command named by one is still a dynamic command. Only inert words are
# replaced: one holding a command or process substitution, a backquote or a
# line break keeps the parse error (fail closed), since what runs inside it
# would be lost. Quoting, comments and here-documents are followed as bash
# does, so a `${` inside quotes or a heredoc body is not taken for a word.
_NOT_INERT = (b"$(", b"`", b"<(", b">(", b"\n")


def _blank_unreadable_words(source: bytes) -> tuple[bytes, frozenset]:
    out = bytearray(source)
    blanked = set()
    for lead, start, end, kind in _suspect_words(source):
        word = source[start:end]
        if (kind == "expansion" and end - start < 4) or any(bad in word for bad in _NOT_INERT):
            continue
        probe = {"expansion": b": ", "extglob": b": a", "regex": b"[[ x =~ "}[kind] + word + (
            b" ]]" if kind == "regex" else b"")
        if lead == start and not get_parser().parse(probe).root_node.has_error:
            continue  # tree-sitter reads this word: it is not what failed
        start = lead  # a regex after `=~ \<newline>`: the continuation goes too
        if kind == "expansion":
            out[start:end] = b"${" + b"_" * (end - start - 3) + b"}"
        elif kind == "extglob":
            out[start:end] = b"*" + b"_" * (end - start - 1)
        else:
            out[start:end] = b"_" * (end - start)
        blanked.add(start)
    return bytes(out), frozenset(blanked)


def _suspect_words(s: bytes):
    r"""(lead, start, end, "expansion" | "regex") for each outermost `${...}`
    and each `[[ ... =~ REGEX` regex, skipping quoted text, comments and
    here-document bodies; `lead` is before a line continuation that precedes
    a regex (tree-sitter cannot read `=~ \<newline> REGEX` either)."""
    i, n = 0, len(s)
    in_double = False
    word_start = True  # at the start of a word: where `#` begins a comment
    heredocs: list[tuple[bytes, bool]] = []
    in_test = False  # between `[[` and `]]`
    while i < n:
        c = s[i:i + 1]
        if c == b"\\":
            i += 2
            word_start = False
            continue
        if in_double:
            if c == b'"':
                in_double = False
            elif s.startswith(b"${", i):
                end = _matching_brace(s, i + 2)
                yield i, i, end, "expansion"
                i = end
                continue
            i += 1
            continue
        if c == b"'":
            close = s.find(b"'", i + 1)
            i = n if close < 0 else close + 1
            word_start = False
            continue
        if s.startswith(b"$'", i):
            i = _end_of_ansi_c(s, i + 2)
            word_start = False
            continue
        if c == b'"':
            in_double = True
            i += 1
            word_start = False
            continue
        if c == b"#" and word_start:
            close = s.find(b"\n", i)
            i = n if close < 0 else close
            continue
        if s.startswith(b"${", i):
            end = _matching_brace(s, i + 2)
            yield i, i, end, "expansion"
            i = end
            word_start = False
            continue
        if c in (b"@", b"!", b"+", b"*", b"?") and s[i + 1:i + 2] == b"(":
            end = _end_of_regex(s, i + 2, closing=True)  # an extglob group: !(*.txt|*.md)
            if s[end:end + 1] == b")":
                yield i, i, end + 1, "extglob"
            i = end + 1
            word_start = False
            continue
        if s.startswith(b"<<", i) and not s.startswith(b"<<<", i):
            i = _heredoc_start(s, i + 2, heredocs)
            continue
        if c == b"\n" and heredocs:
            i = _skip_heredoc_bodies(s, i + 1, heredocs)
            heredocs.clear()
            word_start = True
            continue
        if word_start and s.startswith(b"[[", i) and s[i + 2:i + 3] in (b" ", b"\t", b"\n", b"\\"):
            in_test = True
        elif word_start and s.startswith(b"]]", i):
            in_test = False
        elif in_test and word_start and s.startswith(b"=~", i):
            lead = i + 2
            while lead < n and s[lead:lead + 1] in (b" ", b"\t"):
                lead += 1
            start = lead
            while start < n and (s[start:start + 1] in (b" ", b"\t") or s.startswith(b"\\\n", start)):
                start += 2 if s[start:start + 1] == b"\\" else 1
            end = _end_of_regex(s, start)
            rest = s[end:].lstrip(b" \t")
            if end > start and rest.startswith((b"]]", b"&&", b"||", b")")):
                yield lead, start, end, "regex"
            i = end
            word_start = False
            continue
        word_start = c in (b" ", b"\t", b"\n", b";", b"&", b"|", b"(", b")", b"{", b"}")
        i += 1


def _matching_brace(s: bytes, i: int) -> int:
    """The index after the `}` closing a `${` whose text starts at i."""
    depth, n = 1, len(s)
    while i < n:
        c = s[i:i + 1]
        if c == b"\\":
            i += 2
            continue
        if c == b"'":
            close = s.find(b"'", i + 1)
            i = n if close < 0 else close + 1
            continue
        if c == b'"':
            i = _end_of_double(s, i + 1)
            continue
        if s.startswith(b"${", i):
            depth += 1
            i += 2
            continue
        if c == b"}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _end_of_double(s: bytes, i: int) -> int:
    n = len(s)
    while i < n:
        c = s[i:i + 1]
        if c == b"\\":
            i += 2
        elif c == b'"':
            return i + 1
        elif s.startswith(b"${", i):
            i = _matching_brace(s, i + 2)
        else:
            i += 1
    return n


def _end_of_ansi_c(s: bytes, i: int) -> int:
    n = len(s)
    while i < n:
        c = s[i:i + 1]
        if c == b"\\":
            i += 2
        elif c == b"'":
            return i + 1
        else:
            i += 1
    return n


def _end_of_regex(s: bytes, i: int, closing: bool = False) -> int:
    """bash reads a `=~` regex up to a blank outside parentheses and quotes;
    `closing`: find the `)` closing a group opened just before i."""
    n, depth = len(s), int(closing)
    while i < n:
        c = s[i:i + 1]
        if c == b"\\":
            i += 2
            continue
        if c in (b"'", b'"'):
            close = s.find(c, i + 1)
            i = n if close < 0 else close + 1
            continue
        if c == b"(":
            depth += 1
        elif c == b")":
            if depth == 0:
                return i  # `[[ ( $x =~ y ) ]]`: the test's own parenthesis
            depth -= 1
            if depth == 0 and closing:
                return i
        elif c == b"\n" or (c in (b" ", b"\t") and depth == 0):
            return i
        i += 1
    return n


def _heredoc_start(s: bytes, i: int, heredocs: list) -> int:
    """Record the delimiter of `<<WORD` / `<<-'WORD'`; return where the word ends."""
    strip_tabs = s[i:i + 1] == b"-"
    i += strip_tabs
    while i < len(s) and s[i:i + 1] in (b" ", b"\t"):
        i += 1
    start = i
    while i < len(s) and s[i:i + 1] not in (b" ", b"\t", b"\n", b";", b"&", b"|", b"<", b">", b"(", b")"):
        if s[i:i + 1] in (b"'", b'"'):
            close = s.find(s[i:i + 1], i + 1)
            i = len(s) if close < 0 else close + 1
        else:
            i += 1
    delimiter = s[start:i].replace(b"'", b"").replace(b'"', b"").replace(b"\\", b"")
    if delimiter:
        heredocs.append((delimiter, strip_tabs))
    return i


def _skip_heredoc_bodies(s: bytes, i: int, heredocs: list) -> int:
    for delimiter, strip_tabs in heredocs:
        while i < len(s):
            end = s.find(b"\n", i)
            end = len(s) if end < 0 else end
            line = s[i:end]
            i = end + 1
            if (line.lstrip(b"\t") if strip_tabs else line) == delimiter:
                break
    return min(i, len(s))


def _safe_for_tree_sitter(source: bytes) -> bytes:
    """tree-sitter-bash can crash (SIGSEGV) on a `{` followed later by a
    4-byte UTF-8 character (tree-sitter/tree-sitter-bash#337). Parse a copy
    where each such character is four ASCII letters: byte offsets stay the
    same, and every text is read back from the original source."""
    if not source or max(source) < 0xF0:
        return source
    out = bytearray(source)
    i = 0
    while i < len(out):
        if out[i] >= 0xF0:
            out[i] = 0x61  # 'a'
            j = i + 1
            while j < len(out) and 0x80 <= out[j] <= 0xBF:
                out[j] = 0x61
                j += 1
            i = j
        else:
            i += 1
    return bytes(out)


def _first_error(node) -> str:
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "ERROR" or n.is_missing:
            line, col = n.start_point
            what = f"missing {n.type!r}" if n.is_missing else "unexpected text"
            return f"{what} at line {line + 1}, column {col + 1}"
        stack.extend(reversed([c for c in n.children if c.has_error or c.is_missing]))
    return "syntax error"


class Walker:
    """Walks one tree; `scan` receives commands and keeps the line's state
    (variables, functions, working directory) across statements."""

    def __init__(self, scan, source: bytes, via: tuple[str, ...] = (), stdin: Stdin | None = None):
        self.scan = scan
        self.source = source  # the text's bytes: node texts are read from here
        self.via = via
        self.stdin = stdin  # what the text's commands read unless they redirect
        self.misplaced: dict[int, list[Word]] = {}  # command node id -> words
        self.returned = False  # a top-level statement certainly ran `return` (walk_program)
        # node id -> (redirects, stdin, misplaced words) that bash binds to that
        # node although tree-sitter hung them on the list or pipeline it ends.
        self.bound_redirects: dict[int, tuple] = {}

    def _text(self, node) -> str:
        return self.source[node.start_byte:node.end_byte].decode("utf-8", "surrogateescape")

    # --- statements -------------------------------------------------------

    def walk(self, node, stdin: Stdin | None = None) -> Command | None:
        """Walk a statement; return its last simple command (a pipe's writer)."""
        bound = self.bound_redirects.pop(node.id, None)
        if bound is not None:
            tail = []
            if bound[0] == "deferred":  # read the redirections now, in the order bash makes them
                _, outer, trailing = bound
                *bound, tail = self._redirections(outer, outer.child_by_field_name("body"), trailing)
            if node.type == "redirected_statement":  # made after the statement's own
                last = self._redirected(node, stdin, bound)
            else:
                last = self._with_redirects(node, stdin, *bound)
            return self._heredoc_tail(last, tail)
        t = node.type
        if t == "command":
            return self._command(node, [], stdin)
        if t == "redirected_statement":
            return self._redirected(node, stdin)
        if t == "pipeline":
            return self._pipeline_node(node, stdin)
        if t == "variable_assignment":
            self._assignment(node)
            return None
        if t == "variable_assignments":
            for c in node.named_children:
                self._assignment(c)
            return None
        if t == "function_definition":
            name_node = node.child_by_field_name("name")
            body = node.child_by_field_name("body")
            if name_node is not None and body is not None:
                self.scan.functions[self._text(name_node)] = (body, self.source)
                if _maybe_skipped(node):
                    self.scan.maybe_functions.add(self._text(name_node))
                else:
                    self.scan.maybe_functions.discard(self._text(name_node))
                if self._text(name_node) in _CALLED_BY_BASH:
                    self.walk(body)
            return None
        if t in ("comment", "heredoc_body", "heredoc_end", "heredoc_start"):
            return None
        if t == "list":
            return self._list(node, stdin)
        if t == "case_statement":
            return self._case(node, stdin)
        if t in _BRANCHING:
            return self._branching(node, stdin)
        if t == "for_statement":
            return self._branching(node, stdin, self._for)
        if t == "test_command" and not self._text(node)[1:2].isspace() and not self._text(node).startswith("[["):
            # `[abc]` alone is no test (that needs `[ ... ]`): one word, a pattern bash runs.
            cmd = Command(argv=[Word(self._text(node), self._text(node), glob=True)], stdin=stdin)
            self._emit(cmd)
            return cmd
        if t == "declaration_command":
            return self._declaration(node)
        if t == "unset_command":
            return self._command(node, [], stdin)
        if t == "subshell":
            return self.scan.isolated(lambda: self._walk_children(node, stdin))
        if t in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
            # A bare redirection where a statement stands: $( > file )
            redirect, redirect_stdin, extra, rest = self._redirect(node)
            cmd = Command(argv=extra, redirects=[redirect] if redirect else [], stdin=redirect_stdin or stdin)
            self._emit(cmd)
            return self._heredoc_tail(cmd, rest)
        if t == "negated_command":
            last = None
            for c in node.named_children:
                last = self.walk(c, stdin)
            return last
        return self._walk_children(node, stdin)

    def _list(self, node, stdin: Stdin | None) -> Command | None:
        """`a && b || c`. A `cd` or an assignment that may not run (after
        `a &&`, or after any `||`) leaves the directory or the variable known
        only at run time for what may run without it (`true || X=/tmp/x; rm
        -rf "$X"/` removes /); what runs only after it (`a && cd x && b`)
        sees it."""
        items, ops = [], []

        def flatten(n):
            for c in n.children:
                if c.type == "list":
                    flatten(c)
                elif c.is_named:
                    items.append(c)
                elif c.type in ("&&", "||"):
                    ops.append(c.type)

        flatten(node)
        return walk_and_or(self.scan, items, ops, lambda item: self.walk(item, stdin))

    def _forget(self, cwd: bool, variables) -> None:
        forget(self.scan, cwd, variables)

    def _branching(self, node, stdin: Stdin | None, walk=None) -> Command | None:
        """A `cd` or an assignment in a branch or loop body counts only if
        that body runs: after the statement, its value is known at run time."""
        before = self.scan.cwd, dict(self.scan.vars)
        last = (walk or (lambda n: self._walk_children(n, stdin)))(node)
        self._forget(self.scan.cwd != before[0], _changed(before[1], self.scan.vars))
        return last

    def _stdout_captured(self, walk):
        """Inside $( ), ` ` and <( ), stdout is the pipe guardsh reads the value
        from: a group's stdout redirections (`{ a $(b); } > f`) are not b's;
        its stderr and stdin ones are."""
        scan = self.scan
        outer = scan.pending_redirects
        scan.pending_redirects = [([_stderr_part(r) for r in redirects if not _writes_stdout(r)], stdin)
                                  for redirects, stdin in outer]
        try:
            return walk()
        finally:
            scan.pending_redirects = outer

    def _walk_statement(self, node, stdin: Stdin | None) -> Command | None:
        """A statement ended by `&` runs in a background subshell: what it
        defines or changes does not outlive it (`rm() { :; } & rm -rf ~` runs
        the program rm; `cd /x & rm -rf *` removes here)."""
        after = node.next_sibling
        if after is not None and after.type == "&":
            return self.scan.isolated(lambda: self.walk(node, stdin))
        return self.walk(node, stdin)

    def _walk_children(self, node, stdin: Stdin | None) -> Command | None:
        """Compound statements and everything else: walk the parts in order.
        Words met here (for lists, case subjects, [[ tests ]]) are evaluated
        so that the substitutions inside them are seen."""
        last = None
        for c in node.named_children:
            if c.type in _STATEMENT_TYPES or c.type.endswith("_statement") or c.type in (
                    "do_group", "else_clause", "elif_clause", "case_item", "compound_statement",
                    "subshell", "list", "program"):
                last = self._walk_statement(c, stdin)
            else:
                self.word(c)
        return last

    def _for(self, node) -> Command | None:
        """`for x in a b; do ...; done` runs the body with x = a, then b: judge
        it for each value when they are few and literal, else with x unknown."""
        variable = node.child_by_field_name("variable")
        body = node.child_by_field_name("body")
        values: list[Word] = []
        for i, c in enumerate(node.children):
            if node.field_name_for_child(i) == "value":
                values.extend(self.words(c))
        name = self._text(variable) if variable is not None else ""
        literal = [w.text for w in values if not w.dynamic and not w.glob]
        runs = literal if values and len(literal) == len(values) and len(values) <= 16 else [DYN]
        last = None
        for value in runs:
            self.scan.vars[name] = value
            last = self.walk(body) if body is not None else None
        return last

    def _case(self, node, stdin: Stdin | None) -> Command | None:
        """`case WORD in ...`: with WORD and the patterns up to the matching one
        known, only that item runs, certainly; else any item may (each is judged)."""
        subject = node.child_by_field_name("value")
        value = self.word(subject) if subject is not None else None
        items = [c for c in node.named_children if c.type == "case_item"]
        if value is None or value.dynamic or any(b";&" in self.source[c.start_byte:c.end_byte].rstrip()[-3:]
                                                 for c in items):
            return self._branching(node, stdin)  # ;& and ;;& fall through: not worth following
        from ..textmatch import glob_match

        for item in items:
            patterns = [self.word(c) for i, c in enumerate(item.children) if item.field_name_for_child(i) == "value"]
            if any(w.dynamic for w in patterns):
                return self._branching(node, stdin)
            if any(glob_match(value.text, w.text) if w.glob else value.text == w.text for w in patterns):
                last = None
                for i, c in enumerate(item.children):
                    if c.is_named and item.field_name_for_child(i) != "value" and c.type != "comment":
                        last = self._walk_statement(c, stdin)
                        if c.type == "command" and self._text(c).split()[:1] == ["return"]:
                            self.returned = True
                return last
        return None

    def walk_program(self, root, sourced: bool = False) -> None:
        """`sourced`: a file read by `.`/`source`, where a `return` that
        certainly runs at its top level ends it (`case $- in *i*) ;;
        *) return;; esac`: the rest of a stock .bashrc is for interactive shells)."""
        for c in root.named_children:
            self.returned = False
            self._walk_statement(c, self.stdin)
            if sourced and (self.returned or c.type == "command" and self._text(c).split()[:1] == ["return"]):
                return

    def _pipeline_node(self, node, stdin: Stdin | None) -> Command | None:
        """tree-sitter-bash reads `a | b | c && d` as `a | (b | c && d)`; in
        bash the pipeline ends at `&&`, and `d` runs after it, in this shell,
        reading no pipe. `a |& b` is `a 2>&1 | b`."""
        parts, after = [], []
        pending = [node]
        while pending:
            n = pending.pop(0)
            if n.type == "pipeline":
                parts.extend(self._pipe_parts(n))
            else:
                parts.append(n)
            while parts and parts[-1].type == "list":
                kids = parts.pop().named_children
                after[:0] = kids[1:]
                pending.insert(0, kids[0])
        # ...and `a && b > f | c` as `(a && b > f) | c`: in bash, a runs
        # before the pipeline `b > f | c`, in this shell.
        before = []
        while parts:
            first, body = parts[0], parts[0].child_by_field_name("body")
            if first.type == "list":
                kids = first.named_children
                if first.id in self.bound_redirects:  # `a && b |& c`: b's |&
                    self.bound_redirects[kids[-1].id] = self.bound_redirects.pop(first.id)
            elif first.type == "redirected_statement" and body is not None and body.type == "list":
                kids = body.named_children
                self.bound_redirects[kids[-1].id] = ("deferred", first, self.bound_redirects.pop(first.id, None))
            elif first.type == "pipeline":
                if first.id in self.bound_redirects:  # bound to the pipeline: its last part's
                    self.bound_redirects[first.named_children[-1].id] = self.bound_redirects.pop(first.id)
                parts[0:1] = self._pipe_parts(first)
                continue
            else:
                break
            before.extend(kids[:-1])
            parts[0] = kids[-1]
        for n in before:
            self.walk(n, stdin)
        last = self._pipeline(parts, stdin)
        for n in after:
            last = self.walk(n)
        return last

    def _pipe_parts(self, node) -> list:
        """A pipeline node's parts; a part before `|&` gets 2>&1, made after its own redirections."""
        parts = []
        for c in node.children:
            if c.is_named:
                parts.append(c)
            elif c.type == "|&" and parts:
                self.bound_redirects[parts[-1].id] = ([Redirect(">&", Word("1", "1"), "2")], None, [])
        return parts

    def _pipeline(self, parts, stdin: Stdin | None) -> Command | None:
        last = None
        for i, part in enumerate(parts):
            if i > 0:
                stdin = Stdin("command", source=last) if last else Stdin("command")
            # Every part of a pipeline runs in a subshell of its own.
            last = self.scan.isolated(lambda: self.walk(part, stdin)) if len(parts) > 1 else self.walk(part, stdin)
        return last

    def _redirected(self, node, stdin: Stdin | None, trailing=None) -> Command | None:
        body = node.child_by_field_name("body")
        if body is not None and body.type in ("list", "pipeline"):
            # tree-sitter-bash reads `a && b > f` and `a | b > f` as the whole
            # list or pipeline redirected; bash binds the redirection to the
            # last pipeline element only (`a` writes where the line writes),
            # and reads its words when it gets there (`v=a && b >f "$v"`).
            owner = body
            while owner.type in ("list", "pipeline") and owner.named_children:
                owner = owner.named_children[-1]
            self.bound_redirects[owner.id] = ("deferred", node, trailing)
            return self.walk(body, stdin)
        redirects, stdin_override, extra_words, tail = self._redirections(node, body, trailing)
        if body is None:  # a bare redirection: `> file`
            # ...or tree-sitter's reading of `>a >b cmd 2>&1`: no body, and the
            # command's words as more destinations of a redirect.
            cmd = Command(argv=extra_words, redirects=redirects, stdin=stdin_override or stdin)
            self._emit(cmd)
            last = cmd
        else:
            last = self._with_redirects(body, stdin, redirects, stdin_override, extra_words)
        return self._heredoc_tail(last, tail)

    def _redirections(self, node, body, trailing):
        """A redirected statement's own redirections, then `trailing` ones
        bound to it from outside -> (redirects, stdin, misplaced words, tail)."""
        redirects, extra_words, tail = [], [], []
        stdin_override = None
        previous_end = body.end_byte if body is not None else node.start_byte
        for c in node.children:
            if c.type == "heredoc_redirect":
                extra_words.extend(self._dropped_before_heredoc(previous_end, c))
            if c.is_named and c is not body:
                previous_end = c.end_byte
            if c.type in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                r, s, extra, rest = self._redirect(c)
                if r:
                    redirects.append(r)
                if s:
                    stdin_override = s
                extra_words.extend(extra)
                tail.extend(self._more_redirects(rest, redirects))
        if trailing is not None:  # bound to this statement from outside, after its own
            redirects.extend(trailing[0])
            stdin_override = trailing[1] or stdin_override
            extra_words.extend(trailing[2])
        return redirects, stdin_override, extra_words, tail

    def _with_redirects(self, body, stdin, redirects, stdin_override, extra_words) -> Command | None:
        stdin = stdin_override or stdin
        if body.type == "command":
            return self._command(body, redirects, stdin, extra_words)
        # Redirections on a compound statement: they apply to every
        # command inside it; words tree-sitter misplaced into a redirect
        # (`rm 2>/dev/null -rf x`) belong to its last command.
        if extra_words:
            self.misplaced[_last_command_node(body).id] = extra_words
        self.scan.pending_redirects.append((redirects, stdin_override))
        try:
            return self.walk(body, stdin)
        finally:
            self.scan.pending_redirects.pop()

    def _more_redirects(self, nodes, redirects: list[Redirect]) -> list:
        """tree-sitter nests redirections that follow a heredoc's start
        (`cat <<EOF > notes.md`) inside the heredoc node: they belong to the
        same command. Return the other nodes (what follows the command)."""
        rest = []
        for n in nodes:
            if n.type == "file_redirect":
                redirect, _, _, _ = self._redirect(n)
                redirects.append(redirect)
            else:
                rest.append(n)
        return rest

    def _heredoc_tail(self, last: Command | None, tail) -> Command | None:
        """tree-sitter nests what follows a heredoc's start (`cat <<EOF | sh`,
        `cat <<EOF && rm x`) inside the heredoc node; walk it as bash runs it."""
        for node in tail:
            if node.type == "pipeline":
                parts = node.named_children
                stdin = Stdin("command", source=last) if last else Stdin("command")
                for part in parts:
                    last = self.walk(part, stdin)
                    stdin = Stdin("command", source=last) if last else Stdin("command")
            else:
                last = self.walk(node)
        return last

    def _redirect(self, node):
        """-> (Redirect | None, Stdin | None, misplaced words, nodes to walk after)."""
        if node.type == "heredoc_redirect":
            quoted = False
            body_text = ""
            rest = []
            misread = False
            for i, c in enumerate(node.children):
                if c.type == "heredoc_start":
                    quoted = any(q in self._text(c) for q in "'\"\\")
                    start = c
                elif c.type == "heredoc_body":
                    body_text = self._text(c) if quoted else self._heredoc_body(c)
                elif node.field_name_for_child(i) == "argument":
                    misread = True  # a body line starting with \ is read as words (tree-sitter-bash)
                elif c.is_named and c.type not in ("heredoc_end",):
                    rest.append(c)
            if misread:
                body_text = self._heredoc_from_source(node, start)
            return Redirect("<<"), Stdin("text", text=body_text), [], rest
        if node.type == "herestring_redirect":
            w = None
            for c in node.named_children:
                w = self.word(c)
            return Redirect("<<<"), Stdin("text", text=(w.text if w else "") + "\n"), [], []
        op, fd, dests = None, None, []
        for i, c in enumerate(node.children):
            field = node.field_name_for_child(i)
            if field == "descriptor":
                fd = self._text(c)
            elif field == "destination":
                dests.append(c)
            elif not c.is_named:
                op = self._text(c)
        target = self.word(dests[0]) if dests else None
        # Words tree-sitter misread as more destinations are the command's
        # arguments: split and brace-expanded as arguments are.
        extra = [w for d in dests[1:] for w in self.words(d)]
        stdin = Stdin("file", path=target) if op == "<" and target else None
        return Redirect(op or ">", target, fd), stdin, extra, []

    def _dropped_before_heredoc(self, start: int, node) -> list[Word]:
        """tree-sitter-bash drops a word written right before `<<` (it reads
        `python3 - <<EOF` as `python3 <<EOF`, without an error); bash passes
        it as an argument. Read back the text between the node before and `<<`."""
        op = next((c for c in node.children if not c.is_named), None)
        end = node.start_byte
        if op is not None:  # in `cmd -<<EOF` the token itself is read as `-<<`
            end = op.start_byte + max(self.source.find(b"<<", op.start_byte, op.end_byte) - op.start_byte, 0)
        gap = self.source[start:end]
        if not gap.strip(b" \t\\\n"):
            return []
        tree, source, error = parse(": " + gap.decode("utf-8", "surrogateescape"))
        command = tree.root_node.named_children[0] if tree.root_node.named_children else None
        if error is not None or command is None or command.type != "command":
            return [Word(DYN, gap.decode("utf-8", "surrogateescape").strip())]
        walker = Walker(self.scan, source, self.via)
        return [w for c in command.named_children if c.type != "command_name" for w in walker.words(c)]

    def _heredoc_from_source(self, node, start) -> str:
        """The body as bash reads it: the lines after the command's line, up
        to the delimiter. Expansions in an unquoted body count as unknown."""
        delimiter = self._text(start).strip("'\"\\")
        strip_tabs = self._text(node).startswith("<<-")
        first = self.source.find(b"\n", start.end_byte) + 1
        lines = self.source[first:node.end_byte].decode("utf-8", "surrogateescape").split("\n")
        body = []
        for line in lines:
            if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                break
            body.append(line)
        text = "\n".join(body) + "\n"
        quoted = any(q in self._text(start) for q in "'\"\\")
        return text if quoted or "$" not in text and "`" not in text else DYN + text

    def _heredoc_body(self, node) -> str:
        """An unquoted heredoc: expansions happen, substitutions run."""
        parts = []
        last_end = node.start_byte
        for c in node.children:
            parts.append(self.source[last_end:c.start_byte].decode("utf-8", "surrogateescape"))
            if c.type == "heredoc_content":
                parts.append(_unescape_double(self._text(c)))
            else:
                parts.append(self.word(c).text)
            last_end = c.end_byte
        parts.append(self.source[last_end:node.end_byte].decode("utf-8", "surrogateescape"))
        return "".join(parts)

    def _assignment(self, node) -> tuple[str, Word] | None:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return None
        key = self._text(name)
        if value is not None and value.type == "array":
            # name=(a b c): "${name[@]}" expands to these words when all are known.
            elements = [e for c in value.named_children for e in self.words(c)]
            self.scan.arrays.pop(key, None)
            if not any(e.dynamic for e in elements):
                self.scan.arrays[key] = elements
            w = Word(elements[0].text if elements and key in self.scan.arrays else DYN, self._text(value))
            self.scan.vars[key] = w.text
            return key, w
        self.scan.temporaries.pop(key, None)
        w = self._fresh_temporary(node, value)
        if w is None:
            w = self.word(value) if value is not None else Word("", "")
        self.scan.arrays.pop(key, None)
        self.scan.vars[key] = w.text
        return key, w

    def _fresh_temporary(self, node, value) -> Word | None:
        """`d=$(mktemp -d) && ... rm -rf "$d"`: mktemp prints a new path under
        the temporary directory, so the variable is that scratch path, as long
        as a failing mktemp (empty output) stops the line: the assignment is
        followed by && or `set -e` is on. Otherwise it stays unknown."""
        if value is None or value.type not in ("command_substitution", "string"):
            return None
        import re

        m = re.fullmatch(r'"?\$\(\s*mktemp((?:\s+[-\w.=/]+)*)\s*\)"?', self._text(value))
        if m is None:
            return None
        parent = node.parent
        guarded = self.scan.errexit
        if parent is not None and parent.type == "list":
            children = parent.children
            for i, c in enumerate(children[:-1]):
                if c.id == node.id and children[i + 1].type == "&&":
                    guarded = True
        args = m.group(1).split()
        directory = "/tmp"
        for i, a in enumerate(args):
            if a in ("-p", "--tmpdir") and i + 1 < len(args):
                directory = args[i + 1]
            elif a.startswith("--tmpdir="):
                directory = a.split("=", 1)[1]
        templates = [a for i, a in enumerate(args) if not a.startswith("-") and (i == 0 or args[i - 1] != "-p")]
        if templates and "/" in templates[-1]:
            return None  # mktemp DIR/name.XXXX: a new file there, judged by where DIR is
        if templates and not any(a in ("-t", "-p") or a.startswith("--tmpdir") for a in args):
            return None  # mktemp name.XXXX: made in the working directory
        fresh = os.path.join(directory, "tmp.guardsh-mktemp")
        if not guarded:
            # Unguarded, it may be empty: "$d" alone is then nothing to delete, but
            # "$d/lib" would be /lib. Only the bare variable stands for the path.
            self.scan.temporaries[self._text(node.child_by_field_name("name"))] = fresh
            return None
        return Word(fresh, self._text(value))

    def _declaration(self, node) -> Command | None:
        # export/declare/local/readonly/typeset: record literal assignments.
        argv = [Word(self._text(node.children[0]))]
        for c in node.named_children:
            if c.type == "variable_assignment":
                kv = self._assignment(c)
                if kv:
                    argv.append(Word(f"{kv[0]}={kv[1].text}", self._text(c)))
            else:
                argv.append(self.word(c))
        cmd = Command(argv=argv)
        self._emit(cmd)
        return cmd

    def _command(self, node, redirects, stdin, extra_words=()) -> Command:
        assigns: dict[str, Word] = {}
        argv: list[Word] = []
        # `redirects` follow the command node (tree-sitter hangs them on a
        # redirected_statement): bash applies them after the command's own.
        after, redirects = list(redirects), []
        stdin_after = any(r.op in ("<", "<<", "<<<") and r.fd in (None, "0") for r in after)
        for c in node.named_children:
            t = c.type
            if t == "variable_assignment" and not argv and _is_name(c.child_by_field_name("name"), self):
                name = c.child_by_field_name("name")
                value = c.child_by_field_name("value")
                if name is not None:
                    assigns[self._text(name)] = self.word(value) if value is not None else Word("")
            elif t == "variable_assignment":
                # `--song=x p`: not a name, so not an assignment: bash runs the word.
                value = c.child_by_field_name("value")
                head = self.source[c.start_byte:value.start_byte if value is not None else c.end_byte]
                text = head.decode("utf-8", "surrogateescape") + (self.word(value).text if value is not None else "")
                argv.append(Word(text, self._text(c)))
            elif t == "command_name":
                argv.extend(self.words(c.named_children[0] if c.named_children else c))
            elif t in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                r, s, extra, rest = self._redirect(c)
                if r:
                    redirects.append(r)
                if s and not stdin_after:
                    stdin = s
                argv.extend(extra)
                for n in self._more_redirects(rest, redirects):  # rare: a heredoc tail inside a command
                    self.walk(n)
            elif t == "comment":
                continue
            else:
                argv.extend(self.words(c))
        argv.extend(extra_words)
        argv.extend(self.misplaced.pop(node.id, ()))
        redirects.extend(after)
        if argv and argv[0].text == "coproc":
            argv = self._coproc(node, argv)
        if not argv and not redirects:
            # `X=1` alone: a shell variable for the rest of the line.
            for k, w in assigns.items():
                self.scan.vars[k] = w.text
        cmd = Command(argv=argv, assigns=assigns, redirects=redirects, stdin=stdin)
        self._emit(cmd)
        return cmd

    def _coproc(self, node, argv: list[Word]) -> list[Word]:
        """tree-sitter-bash does not know `coproc [NAME] COMPOUND`: it reads
        `coproc X { rm -rf ~` as one command and `}` as another. Read the
        text from the compound's first word on, as bash runs it (what follows
        the compound is read twice: more, never less)."""
        words = node.named_children[1:3]
        opener = next((c for c in words if self._text(c) in _COMPOUND_OPENERS or c.type == "subshell"), None)
        if opener is None:
            return argv
        text = self.source[opener.start_byte:].decode("utf-8", "surrogateescape")
        self.scan.parse(text, self.via + ("coproc",))
        return argv[:1]

    def _emit(self, cmd: Command) -> None:
        # A group's redirections are made before its commands' own: bash
        # applies them in that order (`{ a 2>&1; } > f` sends a's stderr to f).
        outer = [r for redirects, _ in self.scan.pending_redirects for r in redirects]
        if outer:
            cmd.redirects[:0] = outer
        for redirects, stdin in self.scan.pending_redirects:
            if stdin and cmd.stdin is None:
                cmd.stdin = stdin
        cmd.via = self.via + cmd.via
        self.scan.emit(cmd)

    # --- words -------------------------------------------------------------

    def words(self, node) -> list[Word]:
        """One word node -> the words bash makes of it (field splitting of an
        unquoted $VAR, brace expansion, "$@" inside a function called with
        known words)."""
        # One command can hold a million words (`a a a ...`): the budget is
        # checked here too, not only per command (every 256 words: the CPU
        # clock is a system call).
        self.scan.words_read += 1
        if not self.scan.words_read & 255 and self.scan.budget.exceeded():
            raise BudgetExceeded
        temporaries = self.scan.temporaries
        if temporaries:
            text = self._text(node).strip('"')
            name = text[2:-1] if text.startswith("${") and text.endswith("}") else text[1:] if text.startswith("$") else ""
            if name in temporaries and self.scan.vars.get(name) == DYN:
                return [Word(temporaries[name], self._text(node))]
        arrays = self.scan.arrays
        if arrays:
            name = _array_all(self._text(node))
            if name in arrays:
                return [Word(w.text, w.raw, w.glob) for w in arrays[name]]
        positional = self.scan.positional
        if positional is not None and self._text(node) in _ALL_POSITIONAL:
            for c in node.named_children:
                self._word_into(c, [], False)
            return [Word(w.text, w.raw, w.glob) for w in positional]
        w = self.word(node, protect_braces=True)
        if node.type in ("simple_expansion", "expansion") and not w.dynamic and w.text.split() != [w.text]:
            return [Word(part, w.raw) for part in w.text.split()]
        if _BRACE_OPEN in w.text:
            expanded = _expand_braces(w.text)
            if len(expanded) > 1:
                # Tilde expansion comes after: {rm,-rf,~} runs rm -rf $HOME.
                return [Word(self._tilde(e.translate(_RESTORE)) if e.startswith(_TILDE) else e.translate(_RESTORE),
                             w.raw, w.glob) for e in expanded]
        w.text = w.text.translate(_RESTORE)
        return [w]

    def word(self, node, protect_braces: bool = False) -> Word:
        if node.type == "word":
            raw = self._text(node)
            if _PLAIN.issuperset(raw):  # most words: nothing to unquote or expand
                return Word(raw, raw)
        parts: list[str] = []
        glob = self._word_into(node, parts, protect_braces, top=True)
        return Word("".join(parts), self._text(node), glob)

    def _word_into(self, node, parts: list[str], protect_braces: bool, top: bool = False) -> bool:
        """Append node's value to parts; return True if it holds an unquoted glob."""
        t = node.type
        if t in ("word", "number", "variable_name", "test_operator", "extglob_pattern",
                 "regex", "special_variable_name"):
            blanked = getattr(self.source, "blanked", ())
            if blanked and any(node.start_byte <= b < node.end_byte for b in blanked):
                parts.append(DYN)  # an extglob group or regex tree-sitter could not read
                return True
            raw = self._text(node)
            value = _unescape_unquoted(raw)
            glob = _has_glob(raw)
            if top and value.startswith("~") and not parts:
                value = self._tilde(value)
            if protect_braces:
                value = value.translate(_UNQUOTED)
            parts.append(value)
            return glob
        if t == "raw_string":
            parts.append(self._text(node)[1:-1])
            return False
        if t == "ansi_c_string":
            parts.append(_decode_ansi_c(self._text(node)[2:-1]))
            return False
        if t in ("string", "translated_string"):
            # The text between the parts is literal too: tree-sitter-bash
            # folds " " into the closing quote and leaves a lone `$` unnamed.
            pos = node.start_byte + (2 if self.source[node.start_byte:node.start_byte + 1] == b"$" else 1)
            end = max(node.end_byte - 1, pos)
            for c in node.named_children:
                parts.append(_unescape_double(self.source[pos:c.start_byte].decode("utf-8", "surrogateescape")))
                if c.type == "string_content":
                    parts.append(_unescape_double(self._text(c)))
                else:
                    self._word_into(c, parts, False)
                pos = max(pos, c.end_byte)
            parts.append(_unescape_double(self.source[pos:end].decode("utf-8", "surrogateescape")))
            return False
        if t == "concatenation":
            glob = False
            for i, c in enumerate(node.children):
                if i == 0 and c.type == "word":
                    glob |= self._word_into(c, parts, protect_braces, top=True)
                else:
                    glob |= self._word_into(c, parts, protect_braces)
            return glob
        if t == "simple_expansion":
            parts.append(self._variable(node.named_children[-1] if node.named_children else node))
            return False
        if t == "expansion":
            if node.start_byte in getattr(self.source, "blanked", ()):
                parts.append(DYN)  # a word tree-sitter could not read (see parse)
                return False
            named = node.named_children
            if len(named) == 1 and named[0].type == "variable_name" and node.child_count == 3:
                parts.append(self._variable(named[0]))
            else:
                for c in named:  # ${X:-$(cmd)}: the substitution still runs
                    if c.type not in ("variable_name", "word"):
                        self._word_into(c, [], False)
                parts.append(DYN)
            return False
        if t == "command_substitution" and self._text(node).startswith("`") and "\\" in self._text(node):
            # In backticks bash first removes the backslash before $ ` \, then
            # parses: `echo "\$(rm x)"` runs rm. Parse the text bash will see.
            inner = _unescape_backticks(self._text(node)[1:-1])
            self.scan.isolated(lambda: self._stdout_captured(lambda: self.scan.parse(inner, self.via + ("`...`",))))
            parts.append(DYN)
            return False
        if t in ("command_substitution", "process_substitution"):
            statements = [c for c in node.named_children if c.type != "comment"]

            def walk_statements():
                last = None
                for c in statements:
                    last = self._walk_statement(c, None)
                return last

            captured = t == "command_substitution" or self._text(node).startswith("<(")
            last = self.scan.isolated(lambda: self._stdout_captured(walk_statements) if captured else walk_statements())
            if len(statements) == 1 and last is not None and self.scan.sets_up_shell(last):
                parts.append(SHELL_SETUP)  # eval "$(rbenv init -)", . <(asdf completion bash)
                return False
            # $(echo x | base64 -d) and <(echo x) are known now: use what they print.
            output = self.scan.output_of(last) if len(statements) == 1 and last else None
            if output is None or DYN in output:
                parts.append(DYN)
            elif t == "command_substitution":
                parts.append(output.rstrip("\n"))
            elif self._text(node).startswith("<("):
                parts.append(self.scan.virtual_file(output))
            else:
                parts.append(DYN)  # >(cmd): a file written into, not read
            return False
        if t == "arithmetic_expansion":
            for c in node.named_children:
                self._word_into(c, [], False)
            self._arithmetic_variables(node)
            parts.append(DYN)
            return False
        # Anything else (brace_expression, array, binary_expression, ...):
        # look inside for substitutions, keep the text.
        for c in node.named_children:
            self._word_into(c, [], False)
        parts.append(self._text(node) if node.child_count == 0 else DYN)
        return False

    def _arithmetic_variables(self, node) -> None:
        """$((X)) evaluates X's value as an expression, running any $(...) in
        it: X='a[$(rm -rf ~)]' runs rm. Judge such values as shell."""
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type == "variable_name":
                value = self.scan.vars.get(self._text(n), "")
                if "$(" in value or "`" in value:
                    self.scan.parse(": " + value, self.via + ("arithmetic",))
            stack.extend(n.named_children)

    def _variable(self, name_node) -> str:
        name = self._text(name_node)
        if name == "-":
            return self._shell_flags()
        positional = self.scan.positional
        if positional is not None and (name.isdigit() and name != "0" or name in ("#", "@", "*")):
            if name == "#":
                return str(len(positional))
            if name in ("@", "*"):
                return " ".join(w.text for w in positional)
            return positional[int(name) - 1].text if int(name) <= len(positional) else ""
        if name in self.scan.vars:
            return self.scan.vars[name]
        if name == "HOME" and self.scan.home:
            return self.scan.home
        return DYN

    def _shell_flags(self) -> str:
        """$-: known for the line's own shell and what it sources or evals;
        unknown inside any other shell (bash -i -c, ssh, su -c ...)."""
        flags = self.scan.shell_flags
        if flags is None or not all(v == "eval" or v.startswith((". ", "source ", "alias ")) or v.endswith("()")
                                    for v in self.via):
            return DYN
        return flags

    def _tilde(self, value: str) -> str:
        if value == "~" or value.startswith("~/"):
            return (self.scan.home or DYN) + value[1:]
        return DYN + value[value.find("/"):] if "/" in value else DYN  # ~user


# "${name[@]}": every element of an array, each its own word.
def _array_all(text: str) -> str | None:
    """The array NAME of "${NAME[@]}" (or unquoted ${NAME[@]} / ${NAME[*]}): every element, each its own word."""
    if len(text) > 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
        if not text.endswith("[@]}"):
            return None
    if text.startswith("${") and text.endswith(("[@]}", "[*]}")):
        name = text[2:-4]
        return name if name.isidentifier() else None
    return None

# The spellings of "every positional parameter, each its own word".
_ALL_POSITIONAL = frozenset({'"$@"', '"${@}"', '${1+"$@"}', '${1:+"$@"}', '"${@:-}"'})

# Characters that leave a word as it is written.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=+@%^")


def walk_and_or(scan, items, ops, walk):
    """Walk `items[0] ops[0] items[1] ...` (ops: && or ||), keeping what a
    part that may not run changed (cd, assignments) only for what runs
    after it for sure; shared by both readers."""
    # items[:first_or] run only if every one before them succeeded
    first_or = next((i + 1 for i, op in enumerate(ops) if op == "||"), len(items))
    moved, unsure = False, set()  # what a part that may not have run changed
    last = None
    for i, item in enumerate(items):
        if i >= first_or:
            forget(scan, moved, unsure)
        before = scan.cwd, dict(scan.vars)
        last = walk(item)
        if i > 0:
            changed = _changed(before[1], scan.vars)
            if scan.cwd != before[0] or changed:
                moved, unsure = moved or scan.cwd != before[0], unsure | changed
                if i >= first_or:
                    first_or = i + 1  # nothing after it is sure to follow it
    forget(scan, moved, unsure)
    return last


def forget(scan, cwd: bool, variables) -> None:
    if cwd:
        scan.cwd = None
    for name in variables:
        scan.vars[name] = DYN


def _changed(before: dict, after: dict) -> set:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


# Statements whose parts may not run.
_BRANCHING = {"if_statement", "while_statement", "until_statement", "case_statement", "c_style_for_statement"}

_CONDITIONAL_PARENTS = {"if_statement", "elif_clause", "else_clause", "while_statement", "for_statement",
                        "c_style_for_statement", "case_item", "do_group"}


def _maybe_skipped(node) -> bool:
    """Whether bash may not run `node`: it follows && or || in a list, or
    sits in a branch or a loop body (`true || f() { :; }` defines nothing)."""
    child, parent = node, node.parent
    while parent is not None and parent.type not in ("program", "function_definition"):
        if parent.type in _CONDITIONAL_PARENTS:
            return True
        if parent.type == "list" and parent.named_children and parent.named_children[0].id != child.id:
            return True
        child, parent = parent, parent.parent
    return False


def _is_name(node, walker) -> bool:
    """A variable name as bash accepts before `=`: `a`, `a_1`, `a[i]` (not `--x`, `9a`)."""
    import re

    if node is None:
        return True
    if node.type == "subscript":
        node = node.child_by_field_name("name") or node
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", walker._text(node)) is not None


def _last_command_node(node):
    while node.type != "command" and node.named_children:
        node = node.named_children[-1]
    return node


# Words that open a compound command (after `coproc NAME`).
_COMPOUND_OPENERS = {"{", "while", "until", "for", "if", "case", "select", "[[", "(("}

# Functions bash calls by itself: judged where they are defined.
_CALLED_BY_BASH = {"command_not_found_handle", "command_not_found_handler"}

_STATEMENT_TYPES = {"command", "redirected_statement", "pipeline", "list", "subshell",
                    "compound_statement", "if_statement", "while_statement", "for_statement",
                    "c_style_for_statement", "case_statement", "function_definition",
                    "variable_assignment", "variable_assignments", "declaration_command",
                    "negated_command", "unset_command", "test_command"}


def _has_glob(raw: str) -> bool:
    """An unquoted, unescaped *, ? or [ in a word as written."""
    escaped = False
    for ch in raw:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in "*?[":
            return True
    return False


def _writes_stdout(r: Redirect) -> bool:
    """A redirection of fd 1 only (`> f`, `1>> f`, `>&2`)."""
    return r.op in (">", ">>", ">|", ">&") and r.fd in (None, "1")


def _stderr_part(r: Redirect) -> Redirect:
    """`&> f` inside a substitution: stdout is the pipe, stderr still goes to f."""
    if r.op in ("&>", "&>>") and r.fd is None:
        return Redirect(r.op[1:], r.target, "2")
    return r


def _unescape_backticks(s: str) -> str:
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in "$`\\":
            out.append(s[i + 1])
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def _unescape_unquoted(s: str) -> str:
    if "\\" not in s:
        return s
    import re

    return re.sub(r"\\(\n|.)", lambda m: "" if m.group(1) == "\n" else m.group(1), s, flags=re.S)


def _unescape_double(s: str) -> str:
    if "\\" not in s:
        return s
    import re

    return re.sub(r'\\([\\"$`\n])', lambda m: "" if m.group(1) == "\n" else m.group(1), s)


def _decode_ansi_c(s: str) -> str:
    import re

    out, i = [], 0
    while i < len(s):
        ch = s[i]
        if ch != "\\" or i + 1 >= len(s):
            out.append(ch)
            i += 1
            continue
        nxt = s[i + 1]
        if nxt in _ANSI_C_ESCAPES:
            out.append(_ANSI_C_ESCAPES[nxt])
            i += 2
        elif nxt == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", s[i + 2:])
            out.append(chr(int(m.group(), 16)) if m else "\\x")
            i += 2 + (len(m.group()) if m else 0)
        elif nxt in "uU":
            m = re.match(r"[0-9a-fA-F]{1,%d}" % (4 if nxt == "u" else 8), s[i + 2:])
            out.append(chr(min(int(m.group(), 16), 0x10FFFF)) if m else "\\" + nxt)
            i += 2 + (len(m.group()) if m else 0)
        elif nxt in "01234567":
            m = re.match(r"[0-7]{1,3}", s[i + 1:])
            out.append(chr(int(m.group(), 8) & 0xFF))
            i += 1 + len(m.group())
        elif nxt == "c" and i + 2 < len(s):
            out.append(chr(ord(s[i + 2]) & 0x1F))
            i += 3
        else:
            out.append("\\" + nxt)
            i += 2
    return "".join(out)


def _expand_braces(s: str, limit: int = 256) -> list[str]:
    """bash brace expansion over protected markers: a{b,c}d -> abd acd."""
    depth, start = 0, -1
    for i, ch in enumerate(s):
        if ch == _BRACE_OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch == _BRACE_CLOSE and depth:
            depth -= 1
            if depth == 0:
                inner = s[start + 1:i]
                options = _split_top(inner)
                if len(options) < 2:
                    seq = _sequence(inner)
                    if seq is None:
                        continue
                    options = seq
                head, tail = s[:start], s[i + 1:]
                out: list[str] = []
                for opt in options:
                    out.extend(_expand_braces(head + opt + tail, limit))
                    if len(out) >= limit:
                        break
                return out[:limit]
    return [s]


def _split_top(inner: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in inner:
        if ch == _BRACE_OPEN:
            depth += 1
        elif ch == _BRACE_CLOSE:
            depth -= 1
        if ch == _BRACE_COMMA and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def expand_braces(text: str) -> list[str]:
    """Brace expansion of an unquoted word: a{b,c}d -> abd acd."""
    return [e.translate(_RESTORE) for e in _expand_braces(text.translate(_UNQUOTED))]


def _sequence(inner: str) -> list[str] | None:
    import re

    m = re.fullmatch(r"(-?\d+)\.\.(-?\d+)|([a-zA-Z])\.\.([a-zA-Z])", inner)
    if not m:
        return None
    if m.group(1) is not None:
        a, b = int(m.group(1)), int(m.group(2))
        step = 1 if b >= a else -1
        return [str(n) for n in range(a, b + step, step)[:256]]  # slice the range, not a list of millions
    a, b = ord(m.group(3)), ord(m.group(4))
    step = 1 if b >= a else -1
    return [chr(n) for n in range(a, b + step, step)]


def home_dir() -> str:
    return os.environ.get("HOME") or os.path.expanduser("~")
