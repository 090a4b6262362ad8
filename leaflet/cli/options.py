"""Options and callbacks several commands share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

import leaflet

CONTEXT = {"help_option_names": ["-h", "--help"]}
Command = TypeVar("Command", bound=Callable[..., Any])
#: What `click.option(...)` returns.
Decorator = Callable[[Any], Any]


def checked(parse: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A Click callback running the library parser `leaflet.<parse>`, so that its
    errors name the option."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        try:
            # The date order matters only for a date given: reading it may mean reading
            # the workspace's export settings, which an empty option has no need of.
            if parse in ("parse_date_of_birth", "parse_appointment") and (value or "").strip():
                from leaflet.cli.exports import date_order_of

                return _parser(parse)(value, param.opts[0], date_order_of(ctx))
            return _parser(parse)(value, param.opts[0])
        except leaflet.LeafletError as err:
            message = err.format_message().removeprefix(f"{param.opts[0]}: ")
            raise click.BadParameter(message, ctx, param) from err

    return callback


def _parser(name: str) -> Callable[..., Any]:
    if name == "parse_bleed":
        return leaflet.PressOptions.parse_bleed
    parser: Callable[..., Any] = getattr(leaflet, name)
    return parser


def document_list(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    """`info,consent` -> ("info", "consent"); unknown names are refused."""
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in leaflet.DOCUMENTS]
    if unknown or not names:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'none given'}; choose from "
            f"{','.join(leaflet.DOCUMENTS)} (comma-separated)",
            ctx,
            param,
        )
    return names


BRAND = click.option(
    "--brand",
    "brand_path",
    type=click.Path(path_type=Path),
    help="A clinic's brand file (default: the built-in example clinic).",
)
CONTENT_DIR = click.option(
    "--content-dir",
    type=click.Path(path_type=Path),
    help="A clinic's own content folder instead of the built-in one.",
)


def appointment_sources(command: Command) -> Command:
    """--date-order, --layout, --brand and --content-dir, as the commands reading
    appointments take them."""
    from leaflet.cli.exports import DATE_ORDER

    options = [
        DATE_ORDER,
        click.option(
            "--layout",
            default="a4",
            show_default=True,
            help="Layout for rows whose layout column is empty.",
        ),
        BRAND,
        CONTENT_DIR,
    ]
    return with_options(options, command)


def with_options(options: Sequence[Decorator], command: Command) -> Command:
    """`command` with `options`, listed in this order in its help."""
    for option in reversed(options):
        command = option(command)
    return command


def brand_note(brand: leaflet.Brand) -> str:
    """What a summary line adds outside a workspace: which clinic's brand was used, so
    that no one prints the example clinic by mistake. Inside one, nothing: it is the
    workspace's own."""
    if isinstance(click.get_current_context().obj, leaflet.Workspace):
        return ""
    name = brand.clinic.name
    if brand.is_example:
        return f"; brand: {name} (built-in example; use --brand or leaflet init for yours)"
    return f"; brand: {name} ({leaflet.display_path(brand.path)})"
