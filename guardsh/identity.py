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
    "help": "guardsh.frontends.commands",  # `guardsh --help` is bash's: tools probe the shell with it
}
