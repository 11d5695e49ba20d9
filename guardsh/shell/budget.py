"""The reader's time limit: the CPU time this thread spends reading a line.

Not the wall clock: on a busy machine (a build, a test run, a hundred guardsh
processes at once on two cores) a line waits for the CPU, and waiting is not
reading; a wall-clock budget refused `: xxx` there as "too complex". Nor a
module's one-time import: the first line that needs bashlex or sqlglot pays
~150 ms of CPU to load it, the next one nothing, and a verdict must not
depend on which came first. What is left is the work of reading this line,
which is what the limit is for (a line built to make the reader run long)."""

from __future__ import annotations

import builtins
import sys
import time

_cpu = getattr(time, "thread_time", time.process_time)  # this thread only, where there is a per-thread clock


class BudgetExceeded(Exception):
    """Reading the line has used up its CPU time."""


class Budget:
    """`with Budget(0.2) as b: ... b.exceeded()`. Inside the `with`, time
    spent in an import statement that loads a new module is not counted."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._start = _cpu()
        self._excused = 0.0
        self._importing = False
        self._previous_import = None

    def spent(self) -> float:
        return _cpu() - self._start - self._excused

    def exceeded(self) -> bool:
        return self.spent() > self.seconds

    def __enter__(self) -> Budget:
        self._start, self._excused = _cpu(), 0.0
        self._previous_import = previous = builtins.__import__

        def timed_import(name, globals=None, locals=None, fromlist=(), level=0):
            if self._importing:  # an import inside an import: the outer one is being timed
                return previous(name, globals, locals, fromlist, level)
            loaded, start = len(sys.modules), _cpu()
            self._importing = True
            try:
                return previous(name, globals, locals, fromlist, level)
            finally:
                self._importing = False
                if len(sys.modules) != loaded:
                    self._excused += _cpu() - start

        builtins.__import__ = timed_import
        return self

    def __exit__(self, *exc) -> None:
        builtins.__import__ = self._previous_import
