"""A job forked from a batch's process (`leaflet.packs.forked`): it gets ready while the
batch is planned, then builds the parts of chunks it is dealt, one at a time, and sends
each result back as its file is in place. What the batch's process sends it: the
treatments to load (`Worker.prepare`), then `Start`, then a part at a time (a list of
jobs; None: no more)."""

from __future__ import annotations

import datetime as dt
import multiprocessing.connection
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from leaflet.packs.builder import Worker, WorkerSetup
from leaflet.packs.planner import BatchSettings, Job
from leaflet.packs.workers import exit_with_parent
from leaflet.sources import dates

Connection = multiprocessing.connection.Connection


@dataclass(frozen=True)
class Start:
    """What a forked job needs to build its parts, sent once the batch is planned: where
    to and for which day; the batch's settings only when they are not those the jobs
    were forked with (unpickling settings loads the brand again)."""

    out_dir: Path | None
    source: str
    today: dt.date
    settings: BatchSettings | None

    @classmethod
    def of(cls, setup: WorkerSetup, forked_with: BatchSettings) -> Start:
        settings = None if setup.settings is forked_with else setup.settings
        return cls(setup.out_dir, setup.source, setup.today, settings)


def send(end: Connection, message: object) -> bool:
    """Send `message` on `end`; False if the process at the other end has ended."""
    try:
        end.send(message)
    except OSError:
        return False
    return True


class Stopped(BaseException):
    """Raised in a forked job told to stop while it waits for its next part."""


class Stop:
    """Whether a forked job that has started building was told to stop (SIGTERM). It
    stops once it has sent its next result: results come a part at a time, as each
    part's files are placed, so that is after the document it is building or, when no
    part is waiting to be placed, once the part it is building is written and synced;
    waiting for its next part, it stops waiting."""

    def __init__(self) -> None:
        self.asked = False
        self._waiting = False

    def handle(self, *_: object) -> None:
        self.asked = True
        if self._waiting:
            raise Stopped

    def receive(self, orders: Connection) -> list[Job] | None:
        """The next part this job is dealt; None: there is none, or it was told to stop
        (`Stopped` if told while waiting)."""
        try:
            self._waiting = True
            return None if self.asked else orders.recv()
        except EOFError:  # the batch's process has gone
            return None
        finally:
            self._waiting = False


def run_job(
    settings: BatchSettings, orders: Connection, results: Connection, asks: Connection
) -> None:
    """A forked job: get ready for the batch while the batch's process plans it, then
    build the parts it is dealt, sending each result as it comes."""
    exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the batch's process stops us
    try:  # until the batch is planned, SIGTERM ends this job at once: it has built nothing
        worker = _ready(settings, orders)
    except EOFError:  # the batch stopped before it was planned
        return
    except Exception as err:  # sent to the batch's process, which raises it
        results.send(err)
        return
    stop = Stop()
    signal.signal(signal.SIGTERM, stop.handle)
    # In one stream (`Worker.build_chunks`: each part's sync runs while the next is built).
    built = worker.build_chunks(_parts(orders, asks, stop))
    try:
        for result in built:
            results.send(result)
            if stop.asked:
                break
    except Stopped:
        pass
    except Exception as err:  # sent to the batch's process, which raises it
        results.send(err)
    finally:
        built.close()  # removes the temporary files of what was not placed
        results.close()


def _parts(orders: Connection, asks: Connection, stop: Stop) -> Iterator[list[Job]]:
    """The parts a forked job is dealt: as it starts one, it asks for the next, which is
    at hand when it finishes."""
    while (part := stop.receive(orders)) is not None:
        send(asks, None)
        yield part


def _ready(settings: BatchSettings, orders: Connection) -> Worker:
    """A worker that has loaded the rendering code, the layout and the documents the
    batch's process names, set up for the batch once it is planned (EOFError: it will
    not be)."""
    # Where to and for which day come once the batch is planned; what the worker loads
    # depends on the settings alone.
    worker = Worker(WorkerSetup(settings, None, "", dates.today()))
    while not isinstance(message := orders.recv(), Start):
        worker.prepare(message)
    setup = WorkerSetup(
        message.settings or settings, message.out_dir, message.source, message.today
    )
    if message.settings is None:
        worker.setup = setup
        return worker
    return Worker(setup)
