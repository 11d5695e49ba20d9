"""The two ways keeping a copy can end without a snapshot.

`Unkeepable` is an answer, not a failure: guardsh looked and cannot keep all of
it (too big, remote, a kind it does not know), so the gate asks the human as it
does today. `SnapshotError` is raised when taking or restoring went wrong half
way (disk full, permission, a file that changed under the copy, a timeout);
whatever was half written has been removed before it is raised."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unkeepable:
    """What cannot be kept, and why, in words for the one who is asked instead."""

    reason: str

    def __bool__(self) -> bool:  # `if plan(...)` reads as "can it be kept?"
        return False


class SnapshotError(Exception):
    """Taking or restoring a snapshot failed; nothing half written is left behind."""


class Deadline:
    """A time budget shared by every step of one snapshot or restore."""

    def __init__(self, seconds: float):
        import time

        self._clock = time.monotonic
        self.seconds = seconds
        self.end = self._clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - self._clock())

    def check(self, doing: str) -> None:
        if self._clock() > self.end:
            raise SnapshotError(f"timed out after {self.seconds:g} s while {doing}")
