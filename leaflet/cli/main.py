"""The `leaflet` command group: options every command shares, and the commands."""

from __future__ import annotations

import os
import sys
import traceback
import warnings
from typing import Any

import click

import leaflet
from leaflet.cli.admin import check_command, init_command, list_command, verify_command
from leaflet.cli.documents import document_command
from leaflet.cli.mail import email_command
from leaflet.cli.options import CONTEXT
from leaflet.cli.packs import batch_command


class _Group(click.Group):
    """The group; with --debug, an error also prints its traceback and cause.

    Every problem a user can cause is a `LeafletError`. Anything else is a bug in
    leaflet; it is still one `Error:` line (a clinic manager should never face a
    traceback), asking for a report with --debug's traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as err:
            if ctx.params.get("debug"):
                traceback.print_exception(err, file=sys.stderr)
            raise
        except (click.exceptions.Exit, click.Abort):  # --help, Ctrl-C at a prompt
            raise
        except BrokenPipeError:
            # The reader went away (`leaflet list | head`): as other Unix tools do, stop
            # quietly, and keep Python from failing again when it flushes stdout at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)
        except MemoryError as err:
            raise leaflet.LeafletError("out of memory; close other programs and try again") from err
        except Exception as err:
            if ctx.params.get("debug"):
                traceback.print_exception(err, file=sys.stderr)
            raise leaflet.LeafletError(
                f"unexpected problem ({type(err).__name__}: {err}); this is a bug in "
                "leaflet: please report it with the output of the same command run "
                "with leaflet --debug"
            ) from err


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(leaflet.__version__, "--version", prog_name="leaflet")
@click.option(
    "--debug", is_flag=True, help="On an error, also print where it happened and its cause."
)
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Branded, print-ready PDF patient leaflets from structured clinic content.

    One command per document: info, consent and aftercare. With no options they write
    the microneedling documents for the built-in example clinic on A4. Inside a folder
    made by `leaflet init`, they use that folder's brand, content and layout.
    """
    warnings.showwarning = _show_warning
    workspace = leaflet.find_workspace()
    ctx.obj = workspace  # its export settings, for batch and email
    if workspace is not None:
        # Options given on the command line still win over the workspace's defaults.
        defaults = workspace.defaults()
        commands = (*leaflet.DOCUMENTS, "list", "verify", "check", "batch", "email")
        ctx.default_map = {name: defaults for name in commands}


_python_show_warning = warnings.showwarning


def _show_warning(
    message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any
) -> None:
    """A LeafletWarning as one `Warning:` line; other warnings as Python shows them."""
    if issubclass(category, leaflet.LeafletWarning):
        click.echo(f"Warning: {message}", err=True)
    else:
        _python_show_warning(message, category, *args, **kwargs)


for _name in leaflet.DOCUMENTS:
    main.add_command(document_command(_name))
for _command in (
    init_command,
    list_command,
    check_command,
    verify_command,
    batch_command,
    email_command,
):
    main.add_command(_command)
