"""What code handed to an interpreter (python -c, node -e, perl -e, ruby -e, php -r,
deno eval, bun -e, awk programs) will do to files, processes and remote APIs.

`analyze_code(language, code)` returns `CodeFindings`:
- `shell_commands`: literal command lines the code gives to a shell or spawns (argv lists
  joined with shlex.join), for the shell analyser to parse and judge;
- `sql_statements`: SQL given to a database driver (DYN marks run-time parts);
- `effects`, of these kinds (target: the literal path or URL, DYN for run-time parts):
    code.delete-tree    recursive delete: shutil.rmtree, fs.rmSync(p, {recursive: true}), rimraf,
                        File::Path rmtree, FileUtils.rm_rf, Deno.remove(p, {recursive: true})
    code.delete-file    one file or empty directory: os.remove, Path.unlink, fs.unlinkSync,
                        perl/php unlink, File.delete, rmdir
    code.truncate-file  a file cut short: os.truncate, writing '' over a file, opening a database
                        file (*.db, *.sqlite3, *.dump), an /etc or ~/.ssh file, or guardsh's own
                        files and the agents' hook settings for writing
    code.http-delete    an HTTP DELETE request (target: the URL)
    code.dynamic-shell  a command line or argv built at run time (target: the text, DYN inside)
    code.dynamic-eval   code built at run time or decoded (base64, hex, rot13) is executed, or
                        run-time text sits outside string literals
    code.unparseable    the code cannot be read (syntax error, unterminated string)
Python is read with `ast` (import aliases and single assignments resolved); the other
languages by a tokenizer that sets string literals and comments apart, then by patterns
over what is left, so `print('rm -rf /')` is text, not a command.
"""

from __future__ import annotations

from .findings import CodeFindings
from .patterns import TokenReader
from .python import PythonReader


_MAX_DEPTH = 8  # eval of a literal that evals a literal ...
# language -> the reader that reads it. JavaScript and TypeScript are read with tree-sitter
# (javascript.py); ruby/php/perl by the shared token reader, with the library sinks of
# tokens_more.py added; R, Julia and PowerShell by tokens_more.py alone.
_FAMILY = {"python": "python", "node": "javascript", "deno": "typescript", "bun": "typescript",
           "typescript": "typescript", "javascript": "javascript",
           "perl": "perl", "ruby": "ruby", "php": "php", "awk": "awk", "lua": "lua",
           "r": "r", "julia": "julia", "powershell": "powershell"}
_TOKENS_MORE_ONLY = ("r", "julia", "powershell")


def analyze_code(language: str, code: str) -> CodeFindings:
    findings = CodeFindings()
    _analyze(language, code, findings, 0)
    return findings


def _analyze(language: str, code: str, findings: CodeFindings, depth: int) -> None:
    family = _FAMILY.get(language)
    if family is None:
        raise ValueError(f"unknown language {language!r}")
    if depth > _MAX_DEPTH:
        findings.add("code.dynamic-eval", None, "eval nested too deep to follow")
    elif family == "python":
        PythonReader(code, findings, depth, _analyze).read()
    elif family in ("javascript", "typescript"):
        from .javascript import read_javascript

        read_javascript(code, findings, typescript=family == "typescript", depth=depth)
    elif family in _TOKENS_MORE_ONLY:
        from .tokens_more import read_tokens_more

        read_tokens_more(family, code, findings, depth=depth)
    else:
        TokenReader(family, code, findings, depth, _analyze).read()
        if family in ("ruby", "php", "perl"):
            from .tokens_more import read_tokens_more

            read_tokens_more(family, code, findings, sinks_only=True, depth=depth)
            # The sinks classify a DELETE the way curl's is (http.delete); the token reader's
            # code.http-delete of the same URL says nothing more.
            classified = {e.target for e in findings.effects if e.kind == "http.delete"}
            findings.effects[:] = [e for e in findings.effects
                                   if not (e.kind == "code.http-delete" and e.target in classified)]
