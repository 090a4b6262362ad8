"""The one exception family of leaflet.

Every error a user can cause (bad content, brand, layout, option or output path) is a
`LeafletError`. It derives from `click.ClickException`, so the command line prints its
message without a traceback and exits non-zero, while library callers catch one class.
The library raises these and never prints or exits.

A message that tells the user what to pass names it as they pass it: a library caller
reads `allow_expired=True` (`str(err)`, `err.message`), the command line shows
`--allow-expired` (`err.format_message()`, which Click prints). Such a message is built
from text and `Argument`s.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True)
class Argument:
    """Something a message tells the user to pass: as a Python argument and as the
    command line's option, e.g. `allow_expired=True` and `--allow-expired`."""

    python: str
    option: str


class LeafletError(click.ClickException):
    """A problem the user can fix; the message says where it is and what is valid.

    `parts` are joined into the message; an `Argument` among them reads as the Python
    argument in `message` and as the option in `format_message()`.
    """

    exit_code = 1

    def __init__(self, *parts: str | Argument) -> None:
        self.parts = parts
        super().__init__("".join(p if isinstance(p, str) else p.python for p in parts))

    def format_message(self) -> str:
        """The message as the command line shows it, naming options rather than arguments."""
        return "".join(p if isinstance(p, str) else p.option for p in self.parts)


class SourceError(LeafletError):
    """A problem in a content, brand or layout file, located by file, line and field."""

    def __init__(
        self, path: Path | str, problem: str, *, line: int | None = None, field: str | None = None
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.field = field
        self.problem = problem
        where = display_path(self.path)
        if line is not None:
            where += f":{line}"
        if field:
            where += f": {field}"
        super().__init__(f"{where}: {problem}")


class LeafletWarning(UserWarning):
    """Something worth fixing that does not stop a build (a logo below print resolution).
    Issued with `warnings.warn`, so a library caller filters or records it as any other
    warning; the command line shows each as one `Warning:` line."""


class OutputError(LeafletError):
    """The PDF could not be written where it was asked for."""


class LayoutFitError(LeafletError):
    """Content cannot be laid out on the chosen pages (too tall, too wide)."""


class PersonalValueFitError(LayoutFitError):
    """A patient's value (a name, a practitioner) is too long for the layout even on
    two lines: the value is at fault, not the content file."""


def display_path(path: Path) -> str:
    """Show a path relative to the working folder when it lies inside it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
