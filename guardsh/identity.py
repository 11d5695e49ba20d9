"""guardsh's own names, read by the front ends and by the reader (which must
know that `guardsh check ...` runs no command) without importing either."""

# The names guardsh is installed under (install.sh links both).
LAUNCHERS = ("guardsh", "guardsh-bash")

# Subcommand -> the module that implements it, imported only when chosen (as
# pip's commands_dict): the `-c` path never pays for click.
SUBCOMMANDS = {
    "check": "guardsh.frontends.commands",
    "rules": "guardsh.frontends.commands",
    "log": "guardsh.frontends.commands",
    "hook": "guardsh.frontends.commands",
    "setup": "guardsh.frontends.commands",
    "approve": "guardsh.frontends.commands",
    "pending": "guardsh.frontends.commands",
    "undo": "guardsh.frontends.commands",
    "doctor": "guardsh.frontends.commands",
    "help": "guardsh.frontends.commands",  # `guardsh --help` is bash's: tools probe the shell with it
}


def runs_this_guardsh(program: str) -> bool:
    """Is `program` (a path, as a command line names it) this very guardsh: the launcher
    running now, or a link to it (the link named `bash` that Codex needs as its login shell)?
    Such a program judges its own `-c` line when it runs. By what the path resolves to, never
    by name: anyone can make a file called guardsh."""
    import os
    import sys

    if "/" not in program or not sys.argv or not sys.argv[0] or "/" not in sys.argv[0]:
        return False
    try:
        return os.path.samefile(os.path.realpath(program), os.path.realpath(sys.argv[0]))
    except OSError:
        return False
