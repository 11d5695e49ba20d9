"""guardsh's exit statuses, in one place (plain ints, as pip's status_codes:
an IntEnum would cost an import on every agent command)."""

OK = 0  # allowed and run (the status is then bash's own), approved, checked
BLOCKED = 1  # `guardsh check`: the command would be blocked; `approve`: no such request
FAILED = 1  # a subcommand could not do what it was asked (`setup` could not write)
CONFIG = 2  # a rules file is broken: nothing runs until it is fixed
HOOK_BLOCK = 2  # every supported agent blocks on exit 2 with the reason on stderr
REFUSED = 126  # as bash's "cannot execute": guardsh would not run it
NO_BASH = 127  # as bash's "not found": there is no real bash to run it
