"""guardsh: a bash that asks a human before anything irreversible runs."""

__version__ = "0.1.0"
