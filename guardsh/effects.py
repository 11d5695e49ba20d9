"""Every effect kind an analyser can report: kind -> (meaning, emitting module).

One home for the names rules match on. The schema rejects a rule whose
`effects` pattern names no kind here (`path:line` error), a test checks that
every kind the analysers emit is listed, and the README's table of effects
is generated from this table (`markdown_table`). Adding a kind: emit it, add
one row here, run `python -m guardsh.effects` and paste the table."""

# kind: (what it means, the module that emits it)
KINDS = {
    "shell.parse-error": ("the line cannot be parsed, or holds a NUL byte", "guardsh.shell.session"),
    "shell.too-deep": ("more nested shells, evals or scripts than guardsh follows", "guardsh.shell.session"),
    "shell.too-complex": ("reading the line took more CPU time than its budget (200 ms) or nests too deeply",
                          "guardsh.shell.read"),
    "shell.internal-error": ("guardsh failed while judging the line", "guardsh.shell.read"),
    "shell.dynamic-command": ("the program's name is only known at run time (`$CMD args`)",
                              "guardsh.shell.session"),
    "shell.eval-dynamic": ("eval, trap, a variable or a parallel argument runs text only known at run time",
                           "guardsh.shell.wrappers"),
    "shell.dynamic-script": ("`bash -c` of a script only known at run time", "guardsh.shell.wrappers"),
    "shell.unguarded-shell": ("a shell guardsh cannot follow (interactive, or reading a terminal)",
                              "guardsh.shell.wrappers"),
    "shell.interactive-program": ("an interpreter or database shell that would read commands typed later on its "
                                  "terminal, where no hook sees them (Codex's write_stdin)", "guardsh.shell.session"),
    "shell.pipe-to-shell": ("downloaded or generated text piped into a shell (`curl ... | sh`)",
                            "guardsh.shell.wrappers"),
    "shell.unknown-script": ("a script file guardsh cannot read", "guardsh.shell.wrappers"),
    "fs.truncate-file": ("a redirection empties an existing file (`> file`)", "guardsh.analyzers.filesystem"),
    "fs.clobber-same-file": ("a command reads and overwrites the same file (`sort f > f`)", "guardsh.analyzers.filesystem"),
    "fs.overwrite-outside": ("a redirection overwrites a file outside the project", "guardsh.analyzers.filesystem"),
    "fs.overwrite": ("a file's contents are replaced with nothing or with another file: sed -i deleting every line, "
                     "ex/vim batch, perl -ni, awk -i inplace, cp/mv/install/ln -sf over an existing data file, "
                     "yes | ssh-keygen -f, an empty crontab, git checkout PATH", "guardsh.analyzers.filesystem"),
    "fs.delete-replaced": ("a file moved or copied over is then deleted", "guardsh.analyzers.filesystem"),
    "guard.write": ("a write into guardsh's own files or an agent's hook settings", "guardsh.analyzers.filesystem"),
    "infra.state-absent": ("a configuration-management module is asked to make what it manages absent "
                           "(`ansible -m postgresql_db -a 'name=shop state=absent'`)", "guardsh.shell.wrappers"),
    "disk.write-device": ("a redirection writes to a block device", "guardsh.analyzers.filesystem"),
    "secrets.read": ("a credential file is read", "guardsh.analyzers.secrets"),
    "secrets.print": ("a command prints tokens or every variable", "guardsh.analyzers.secrets"),
    "secrets.file-credential": ("a credential file is sent or copied elsewhere", "guardsh.analyzers.secrets"),
    "sql.drop-database": ("DROP DATABASE", "guardsh.analyzers.sql.read"),
    "sql.drop-schema": ("DROP SCHEMA", "guardsh.analyzers.sql.read"),
    "sql.drop-table": ("DROP TABLE, or CREATE OR REPLACE TABLE", "guardsh.analyzers.sql.read"),
    "sql.drop-owned": ("DROP OWNED", "guardsh.analyzers.sql.read"),
    "sql.drop-other": ("DROP TYPE/DOMAIN/EXTENSION ... CASCADE, which drops the columns using them",
                       "guardsh.analyzers.sql.read"),
    "sql.truncate": ("TRUNCATE", "guardsh.analyzers.sql.read"),
    "sql.delete-all": ("DELETE with no WHERE, or an always-true one", "guardsh.analyzers.sql.read"),
    "sql.update-all": ("UPDATE with no WHERE, or an always-true one", "guardsh.analyzers.sql.read"),
    "sql.alter-drop": ("ALTER TABLE ... DROP COLUMN or DROP PARTITION", "guardsh.analyzers.sql.read"),
    "sql.unreadable": ("SQL (or mongosh) read from a file guardsh cannot read", "guardsh.analyzers.content"),
    "sql.unparseable": ("SQL the parser cannot read, built at run time, or that runs a shell command",
                        "guardsh.analyzers.sql.read"),
    "mongo.drop-database": ("mongosh dropDatabase()", "guardsh.analyzers.mongo"),
    "mongo.drop-collection": ("mongosh drop() of a collection", "guardsh.analyzers.mongo"),
    "mongo.delete-all": ("mongosh deleteMany({}) or remove({})", "guardsh.analyzers.mongo"),
    "mongo.update-all": ("mongosh updateMany({}, ...)", "guardsh.analyzers.mongo"),
    "redis.flush": ("FLUSHALL or FLUSHDB (also inside EVAL)", "guardsh.analyzers.redis"),
    "redis.delete-pattern": ("DEL/UNLINK of a `*` pattern, or EVAL deleting what KEYS/SCAN returned",
                             "guardsh.analyzers.redis"),
    "http.delete": ("an HTTP DELETE, however spelled or overridden", "guardsh.analyzers.http.read"),
    "http.graphql-destructive": ("a GraphQL mutation field that deletes, drops, purges, resets ...",
                                 "guardsh.analyzers.http.read"),
    "http.graphql-unparseable": ("a GraphQL body that cannot be read or is built at run time",
                                 "guardsh.analyzers.http.read"),
    "http.body-unreadable": ("a write request whose body guardsh cannot see, sent to GraphQL or with "
                             "credentials", "guardsh.analyzers.http.read"),
    "http.unknown-method": ("the HTTP method is only known at run time", "guardsh.analyzers.http.read"),
    "http.destructive-endpoint": ("a call to an endpoint documented as destroying data",
                                  "guardsh.analyzers.http.read"),
    "code.delete-tree": ("code deletes a directory tree (shutil.rmtree, fs.rmSync recursive, ...)",
                         "guardsh.analyzers.code.read"),
    "code.delete-file": ("code deletes a file or an empty directory", "guardsh.analyzers.code.read"),
    "code.truncate-file": ("code empties or overwrites a file, a database file or a protected file",
                           "guardsh.analyzers.code.read"),
    "code.http-delete": ("code sends an HTTP DELETE", "guardsh.analyzers.code.read"),
    "code.dynamic-shell": ("code runs a command line built at run time", "guardsh.analyzers.code.read"),
    "code.dynamic-eval": ("code runs code built at run time or decoded", "guardsh.analyzers.code.read"),
    "code.unparseable": ("code that cannot be read (syntax error)", "guardsh.analyzers.code.read"),
    "code.unreadable": ("code read from a file guardsh cannot read", "guardsh.analyzers.content"),
    "code.sdk-delete": ("code calls a cloud SDK or platform API operation that deletes, terminates, purges "
                        "or empties a resource (s3.delete_bucket, DeleteDBInstanceCommand, Remove-AzResourceGroup)",
                        "guardsh.analyzers.code.sinks"),
    "code.unknown-sink": ("code reaches a sink that can destroy (a driver's execute, an ORM delete, a cloud "
                          "call) with a value only known at run time", "guardsh.analyzers.code.sinks"),
}


def known(pattern: str) -> bool:
    """Does the `effects` pattern of a rule (fnmatch style) name a kind?"""
    if pattern in KINDS:
        return True
    from fnmatch import fnmatchcase

    return any(fnmatchcase(kind, pattern) for kind in KINDS)


def markdown_table() -> str:
    rows = ["| effect | meaning | reported by |", "|---|---|---|"]
    rows += [f"| `{kind}` | {meaning} | `{module}` |" for kind, (meaning, module) in KINDS.items()]
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
