"""The reader's limits count the CPU time spent reading the line: not time
spent waiting for the CPU (a busy machine), not one-time imports."""

from __future__ import annotations

import builtins
import signal
import sys
import time

import pytest

from guardsh.shell import bashlex
from guardsh.shell.budget import Budget


def _spin(seconds: float) -> None:
    """Use `seconds` of this thread's CPU time."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_waiting_is_not_reading():
    with Budget(0.05) as budget:
        time.sleep(0.3)  # what a line sees when other processes have the CPU
    assert not budget.exceeded()


def test_working_is_reading():
    with Budget(0.05) as budget:
        _spin(0.1)
    assert budget.exceeded()


def test_a_first_import_is_not_the_lines_time(tmp_path, monkeypatch):
    (tmp_path / "slow_to_load_for_budget.py").write_text(
        "import time\nend = time.thread_time() + 0.15\nwhile time.thread_time() < end:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    original_import = builtins.__import__
    try:
        with Budget(0.05) as budget:
            import slow_to_load_for_budget  # noqa: F401
        assert not budget.exceeded(), f"{budget.spent():.3f} s charged for a one-time import"
        assert builtins.__import__ is original_import, "the import timer outlived the budget"
    finally:
        sys.modules.pop("slow_to_load_for_budget", None)


def test_work_done_inside_an_import_statement_of_a_loaded_module_still_counts():
    with Budget(0.05) as budget:
        for _ in range(3):
            import json  # noqa: F401 - already loaded: free, excuses nothing
        _spin(0.1)
    assert budget.exceeded()


# --- bashlex's own timer -----------------------------------------------------

def _timer_is_clear() -> bool:
    return signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0) and \
        signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, None)


def test_bashlex_timer_lets_a_slow_clock_finish():
    def waits(text):  # a parse that waits 3x the limit without using the CPU
        time.sleep(bashlex.MAX_SECONDS * 3)
        return ["parsed"]

    assert bashlex._within_time(waits, "x") == ["parsed"]
    assert _timer_is_clear()


def test_bashlex_timer_stops_a_runaway_parse_and_clears_itself():
    def loops(text):
        swallowed = 0
        while True:
            try:
                _spin(0.01)
            except bashlex._TooSlow:  # as a library's `except Exception` might, once: the alarm repeats
                swallowed += 1
                if swallowed > 1:
                    raise

    started = time.monotonic()
    with pytest.raises(bashlex._TooSlow):
        bashlex._within_time(loops, "x")
    assert time.monotonic() - started < 5
    assert _timer_is_clear()


def test_bashlex_runaway_line_is_refused_and_leaves_no_timer(ruleset):
    from guardsh.engine import judge

    assert judge("'${'s;'", ruleset).decision != "allow"
    assert _timer_is_clear()
