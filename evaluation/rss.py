"""Resident memory per pipeline stage, for the benchmark (``evaluation.bench``).

The kernel keeps only one process-wide high-water mark (``ru_maxrss``), which cannot say *which*
stage needed the memory. ``RssSampler`` therefore reads the current resident size (``VmRSS``) from a
background thread every few tens of milliseconds and keeps the maximum per stage label; the label
is switched from the pipeline's progress callback, and every switch also takes a sample on the
calling thread, so a stage shorter than the interval still gets its start and end measured.
A spike that rises and falls between two samples can be missed: compare the largest per-stage
peak with ``ru_maxrss`` (the report prints both).

Linux only in practice (``/proc/self/status``); psutil is used instead when it is installed and
``/proc`` is not there, and without either every reading is 0 rather than an error.
"""

from __future__ import annotations

import resource
import sys
import threading
from pathlib import Path
from types import TracebackType

_STATUS = Path("/proc/self/status")
MIB = 1024 * 1024


def read_rss_bytes() -> int:
    """Current resident set size of this process in bytes (0 when it cannot be read)."""
    try:
        with _STATUS.open("rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) * 1024  # the kernel reports kB
    except OSError:
        pass
    try:
        import psutil  # optional; not a dependency
    except ImportError:
        return 0
    return int(psutil.Process().memory_info().rss)


def ru_maxrss_bytes() -> int:
    """Process-wide peak RSS since start (``getrusage``: kB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


class RssSampler:
    """Background VmRSS sampler that attributes each sample to the current stage label.

    Use as a context manager; call ``mark(stage)`` whenever the work moves on (it can be passed
    a pipeline progress callback's stage name on every call: marking the same stage again is just
    one more sample). ``peaks`` maps each label seen to its maximum RSS in bytes.
    """

    def __init__(self, interval: float = 0.05, stage: str = "idle", read=read_rss_bytes) -> None:
        self.interval = interval
        self.stage = stage
        self.peaks: dict[str, int] = {}
        self.samples = 0
        self._read = read
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sample(self) -> int:
        """Read RSS now and fold it into the current stage's peak."""
        value = self._read()
        with self._lock:
            if value > self.peaks.get(self.stage, -1):
                self.peaks[self.stage] = value
            self.samples += 1
        return value

    def mark(self, stage: str) -> None:
        """Switch the label: the reading at the switch counts as the end of the old stage and the
        start of the new one."""
        value = self._read()
        with self._lock:
            for label in (self.stage, stage):
                if value > self.peaks.get(label, -1):
                    self.peaks[label] = value
            self.stage = stage
            self.samples += 1

    def peak(self, *stages: str) -> int:
        """Largest peak over the given labels (all labels when none are given), 0 if unseen."""
        with self._lock:
            values = [self.peaks.get(s, 0) for s in stages] if stages else list(self.peaks.values())
        return max(values, default=0)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> RssSampler:
        self._stop.clear()
        self.sample()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.sample()

    def __enter__(self) -> RssSampler:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
