"""The one exception family of leaflet.

Every error a user can cause (bad content, brand, layout, option or output path) is a
`LeafletError`. It derives from `click.ClickException`, so the command line prints its
message without a traceback and exits non-zero, while library callers catch one class.
The library raises these and never prints or exits.
"""

from __future__ import annotations

from pathlib import Path

import click


class LeafletError(click.ClickException):
    """A problem the user can fix; the message says where it is and what is valid."""

    exit_code = 1


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


class OutputError(LeafletError):
    """The PDF could not be written where it was asked for."""


class LayoutFitError(LeafletError):
    """Content cannot be laid out on the chosen pages (too tall, too wide)."""


def display_path(path: Path) -> str:
    """Show a path relative to the working folder when it lies inside it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
