"""A plain text progress bar for management commands (no dependency, works in any terminal)."""

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, total: int, *, label: str = "", stream: TextIO | None = None, width: int = 30):
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self._last_drawn = -1.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        # Redraw at most ten times a second, and always at the end.
        if done < self.total and now - self._last_drawn < 0.1:
            return
        self._last_drawn = now
        fraction = done / self.total if self.total else 1.0
        filled = int(self.width * fraction)
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = now - self.started
        self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total} {fraction:4.0%} {elapsed:5.1f}s")
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()
