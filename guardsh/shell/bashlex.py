"""The second reader: bashlex, for the lines tree-sitter-bash cannot parse.

Imported only then (it costs ~100 ms). bashlex has its own mis-readings, so
it is trusted only to find commands, never to vouch for a line on its own:
function bodies are judged where they are defined, and any word part it
cannot account for is run-time text (DYN)."""

from __future__ import annotations

from ..model import DYN, Command, Redirect, Stdin, Word
from .treesitter import expand_braces

_DYNAMIC_PARTS = ("parameter", "commandsubstitution", "processsubstitution")


MAX_SECONDS = 0.2  # of CPU time: bashlex can loop forever on a few bytes (a'${'): give up, fail closed


class _TooSlow(Exception):
    pass


def walk(text: str, scan, via: tuple[str, ...]) -> bool:
    """Emit the commands bashlex finds; False when bashlex cannot read it either."""
    try:
        import bashlex

        trees = _within_time(bashlex.parse, text)
    except Exception:  # noqa: BLE001 - bashlex raises more than ParsingError on bad input
        return False
    emitter = _Emitter(scan, via, text)
    mark = len(scan.commands)
    try:
        for tree in trees:
            emitter.node(tree, None)
    except _Unreadable:
        del scan.commands[mark:]
        return False
    return True


class _Unreadable(Exception):
    """A part of the line bashlex parsed without looking inside."""


def _within_time(parse, text: str):
    """Run bashlex with a timer: it has been seen to loop, eating memory, on
    inputs of seven bytes. The timer counts this process's CPU time (user and
    system: the runaway allocates), not the wall clock, so a busy machine does
    not cut a slow but honest parse short (see budget.py). Off the main
    thread no timer can be set."""
    import gc
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return parse(text)

    def stop(signum, frame):
        raise _TooSlow

    previous = signal.signal(signal.SIGPROF, stop)
    # An alarm landing in a gc callback would be swallowed there: no gc
    # meanwhile, and the timer repeats until it is cleared.
    collecting = gc.isenabled()
    gc.disable()
    signal.setitimer(signal.ITIMER_PROF, MAX_SECONDS, 0.02)
    try:
        return parse(text)
    finally:
        while True:  # an alarm landing here, after the parse, must not skip clearing the timer
            try:
                signal.setitimer(signal.ITIMER_PROF, 0)
                signal.signal(signal.SIGPROF, signal.SIG_DFL if previous is None else previous)
                break
            except _TooSlow:
                continue
        if collecting:
            gc.enable()


class _Emitter:
    def __init__(self, scan, via, source: str):
        self.scan = scan
        self.via = via
        self.source = source
        self.stderr_to_pipe = False  # the next command writes stderr into a pipe too

    def node(self, n, stdin: Stdin | None) -> Command | None:
        kind = n.kind
        if kind == "command":
            return self.command(n, stdin)
        if kind == "pipeline":
            last = None
            alone = sum(part.kind != "pipe" for part in n.parts) == 1
            for part in n.parts:
                if part.kind == "pipe":
                    stdin = Stdin("command", source=last) if last else Stdin("command")
                    continue
                following = n.parts[n.parts.index(part) + 1:n.parts.index(part) + 2]
                self.stderr_to_pipe = bool(following) and getattr(following[0], "pipe", "") == "|&"
                # Every part of a pipeline runs in a subshell: its cd and variables do not outlive it.
                scan = self.scan
                saved = scan.cwd, dict(scan.vars), dict(scan.functions), dict(scan.aliases), set(scan.maybe_functions)
                try:
                    last = self.node(part, stdin)
                finally:
                    if not alone:
                        scan.cwd, scan.vars, scan.functions, scan.aliases, scan.maybe_functions = saved
            return last
        if kind == "list":
            return self.and_or_lists(n, stdin)
        if kind == "compound":
            return self.compound(n, stdin)
        if kind == "function":
            # Judged where it is defined (this reader does not follow calls), but
            # nothing runs there: its cd and variables change nothing after.
            scan = self.scan
            saved = scan.cwd, dict(scan.vars)
            try:
                for child in _children(n):
                    self.node(child, None)
            finally:
                scan.cwd, scan.vars = saved
            return None
        last = None
        for child in _children(n):
            last = self.node(child, stdin) or last
        return last

    def and_or_lists(self, n, stdin: Stdin | None) -> Command | None:
        """`a; b && cd x || c`: each and-or list as the tree-sitter reader
        walks it (a cd or assignment that may not run is unknown after)."""
        from .treesitter import walk_and_or

        last = None
        items, ops = [], []
        for part in list(n.parts) + [None]:
            op = getattr(part, "op", None) if part is not None else ";"
            if part is not None and part.kind != "operator":
                items.append(part)
            elif op in ("&&", "||"):
                ops.append(op)
            elif items:  # ; & or a newline ends an and-or list
                run = lambda: walk_and_or(self.scan, items, ops, lambda item: self.node(item, stdin))  # noqa: E731
                # ... and `&` runs it in a background subshell: what it changes does not outlive it.
                last = (self.scan.isolated(run) if op == "&" else run()) or last
                items, ops = [], []
        return last

    def command(self, n, stdin: Stdin | None) -> Command:
        argv, assigns, redirects = [], {}, []
        # `a |& b`'s 2>&1 is this command's, not that of a $( ) in its words.
        stderr_to_pipe, self.stderr_to_pipe = self.stderr_to_pipe, False
        for part in n.parts:
            if part.kind == "word":
                argv.extend(self.words(part))
            elif part.kind == "assignment":
                name, _, _ = part.word.partition("=")
                value = self.word(part)
                assigns[name] = Word(value.text.partition("=")[2], part.word)
            elif part.kind == "redirect":
                stdin = self.redirect(part, redirects) or stdin
            elif part.kind in ("compound", "function"):
                self.node(part, None)
        if stderr_to_pipe:  # `a |& b`: 2>&1 |, after a's own redirections
            redirects.append(Redirect(">&", Word("1", "1"), "2"))
        # A group's redirections come first, as bash makes them (as in treesitter._emit).
        redirects[:0] = [r for outer, _ in self.scan.pending_redirects for r in outer]
        for _, outer_stdin in self.scan.pending_redirects:
            if outer_stdin and stdin is None:
                stdin = outer_stdin
        cmd = Command(argv=argv, assigns=assigns, redirects=redirects, stdin=stdin,
                      via=self.via)
        self.scan.emit(cmd)
        return cmd

    def redirect(self, part, redirects: list) -> Stdin | None:
        """Append the redirection; return the stdin it gives, if any."""
        heredoc = getattr(part, "heredoc", None)
        if heredoc is not None:
            redirects.append(Redirect("<<"))
            return Stdin("text", text=heredoc.value.rsplit("\n", 1)[0] + "\n")
        target = part.output if hasattr(part.output, "kind") else None
        word = self.word(target) if target is not None else None
        if target is None and part.output is not None:  # 2>&1, <&-: a descriptor
            word = Word(str(part.output), str(part.output))
        fd = str(part.input) if getattr(part, "input", None) is not None else None
        redirects.append(Redirect(part.type, word, fd))
        if part.type == "<" and word is not None and fd in (None, "0"):
            return Stdin("file", path=word)
        return None

    def compound(self, n, stdin: Stdin | None) -> Command | None:
        """`{ ...; } > f`: the redirections reach every command inside (as in treesitter.py)."""
        redirects, own_stdin = [], None
        for r in getattr(n, "redirects", None) or []:
            own_stdin = self.redirect(r, redirects) or own_stdin
        if self.stderr_to_pipe:  # `{ ...; } |& b`
            redirects.append(Redirect(">&", Word("1", "1"), "2"))
            self.stderr_to_pipe = False
        scan = self.scan
        subshell = any(getattr(w, "word", None) == "(" for w in n.list)
        saved = scan.cwd, dict(scan.vars), dict(scan.functions), dict(scan.aliases), set(scan.maybe_functions)
        scan.pending_redirects.append((redirects, own_stdin))
        try:
            last = None
            for child in _children(n):
                last = self.node(child, own_stdin or stdin) or last
            return last
        finally:
            scan.pending_redirects.pop()
            if subshell:  # `( cd x )`: a subshell's cd and variables do not outlive it
                scan.cwd, scan.vars, scan.functions, scan.aliases, scan.maybe_functions = saved

    def words(self, n) -> list[Word]:
        """Brace expansion, which bashlex leaves undone: {rm,-rf,~} is three words."""
        word = self.word(n)
        written = self.source[n.pos[0]:n.pos[1]]
        if "{" in written and not any(q in written for q in "'\"\\$"):
            expanded = expand_braces(word.text)
            if len(expanded) > 1:
                # Tilde expansion comes after brace expansion: {rm,-rf,~} runs rm -rf $HOME.
                return [Word(self._tilde(text), written, word.glob) for text in expanded]
        return [word]

    def _tilde(self, text: str) -> str:
        if text == "~" or text.startswith("~/"):
            return (self.scan.home or DYN) + text[1:]
        if text.startswith("~"):  # ~user
            return DYN + text[text.find("/"):] if "/" in text else DYN
        return text

    def word(self, n) -> Word:
        """bashlex has removed the quotes; put DYN where run-time parts were."""
        text = n.word
        if not getattr(n, "parts", None):
            # bashlex keeps some quotes of a word quoted in pieces ('a '"'"'b'
            # came back as a '"'"'b): a word without expansions is read here.
            text = _dequoted(self.source[n.pos[0]:n.pos[1]], text)
        for p in getattr(n, "parts", None) or []:
            if p.kind in ("commandsubstitution", "processsubstitution"):
                self.node(p.command, None)
            if p.kind == "tilde" and text.startswith("~"):
                text = (self.scan.home or DYN) + text[1:]
            elif p.kind in _DYNAMIC_PARTS:
                written = self.source[p.pos[0]:p.pos[1]]
                if p.kind == "parameter" and any(s in written for s in ("$(", "`", "<(", ">(")):
                    # bashlex does not parse inside ${...}: what it would run is unseen
                    raise _Unreadable(written)
                if written[:2] in ("$(", "<(", ">(") and not written.endswith(")") \
                        and self.source[p.pos[1]:p.pos[1] + 1] == ")":
                    written += ")"  # bashlex ends a substitution before its `)`
                text = text.replace(written, DYN, 1) if written in text else DYN
        return Word(text, n.word, _unquoted_glob(self.source[n.pos[0]:n.pos[1]]))


def _dequoted(raw: str, fallback: str) -> str:
    """The value of a word with no expansions, as bash removes its quotes;
    `fallback` for what this does not read ($'...', $"...", expansions)."""
    out, i, quote = [], 0, None
    while i < len(raw):
        c = raw[i]
        if c in "$`" and quote != "'":
            return fallback
        if quote == "'":
            if c == "'":
                quote = None
            else:
                out.append(c)
        elif quote == '"':
            if c == '"':
                quote = None
            elif c == "\\" and raw[i + 1:i + 2] in ('"', "\\", "\n"):
                i += 1
                if raw[i] != "\n":
                    out.append(raw[i])
            else:
                out.append(c)
        elif c in "'\"":
            quote = c
        elif c == "\\" and i + 1 < len(raw):
            i += 1
            if raw[i] != "\n":
                out.append(raw[i])
        else:
            out.append(c)
        i += 1
    return fallback if quote else "".join(out)


def _unquoted_glob(raw: str) -> bool:
    """An unquoted, unescaped *, ? or [ in a word as written: `[r]m` is a
    pattern bash matches against file names (a file `rm` makes it rm)."""
    quote, escaped = None, False
    for ch in raw:
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "*?[":
            return True
    return False


def _children(n):
    for attr in ("parts", "list"):
        for child in getattr(n, attr, None) or []:
            if hasattr(child, "kind") and child.kind not in ("operator", "reservedword", "pipe",
                                                              "word", "tilde", "parameter"):
                yield child
    for attr in ("command",):
        child = getattr(n, attr, None)
        if child is not None and hasattr(child, "kind"):
            yield child
