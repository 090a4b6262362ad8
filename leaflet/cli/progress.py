"""Progress while a batch builds, and stopping cleanly when told to."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

import click


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Stop on `kill` (SIGTERM) as on Ctrl-C: cancel what has not started, keep what is
    finished and say so, rather than die between two files."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class BatchProgress:
    """A progress bar on a terminal; otherwise a line at every tenth of the way."""

    def __init__(self) -> None:
        self.bar: Any = None  # click's progress bar, once the total is known
        self.reported = 0
        self.interactive = sys.stderr.isatty()

    def __enter__(self) -> BatchProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.finish()

    def __call__(self, done: int, total: int) -> None:
        if self.interactive:
            if self.bar is None:
                self.bar = click.progressbar(
                    length=total, label="Building", file=sys.stderr, show_pos=True, show_eta=False
                )
                self.bar.__enter__()
            self.bar.update(done - self.bar.pos)
        elif done and (done * 10 // total > self.reported or done == total):
            self.reported = done * 10 // total
            click.echo(f"Built {done} of {total} files", err=True)

    def finish(self) -> None:
        """Close the bar, if one is showing."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
