"""The `leaflet` command group: options every command shares, and the commands."""

from __future__ import annotations

import gc
import importlib
import os
import sys
import warnings
from typing import Any

import click

import leaflet
from leaflet.cli.options import CONTEXT

#: Each command and the module that makes it (`module:name`; `documents:info` is
#: `document_command("info")`), imported when the command runs or help lists it: a
#: command loads no other command's code.
COMMANDS = {
    **{name: f"documents:{name}" for name in leaflet.DOCUMENTS},
    "init": "admin:init_command",
    "list": "admin:list_command",
    "check": "admin:check_command",
    "verify": "admin:verify_command",
    "batch": "packs:batch_command",
    "email": "mail:email_command",
}


class _Group(click.Group):
    """The group, whose commands load on first use; with --debug, an error also prints
    its traceback and cause.

    Every problem a user can cause is a `LeafletError`. Anything else is a bug in
    leaflet; it is still one `Error:` line (a clinic manager should never face a
    traceback), asking for a report with --debug's traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, name = COMMANDS[cmd_name].split(":")
            made = importlib.import_module(f"leaflet.cli.{module}")
            if module == "documents":
                self.add_command(made.document_command(name))
            else:
                self.add_command(getattr(made, name))
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as err:
            if ctx.params.get("debug"):
                _print_traceback(err)
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
                _print_traceback(err)
            raise leaflet.LeafletError(
                f"unexpected problem ({type(err).__name__}: {err}); this is a bug in "
                "leaflet: please report it with the output of the same command run "
                "with leaflet --debug"
            ) from err


def _print_traceback(err: BaseException) -> None:
    import traceback  # only --debug prints one

    traceback.print_exception(err, file=sys.stderr)


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
    # The command line's models are leaflet's own: looking for pydantic plugins would
    # read the metadata of every installed package at every start. Whoever sets the
    # variable still decides.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
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


def run() -> None:
    """The console entry point: `main` in a process of its own.

    Starting a command makes most of the objects its process will ever hold (modules,
    schema models, font tables, CLDR data), all kept until it ends; Python's cyclic
    collector would traverse them again and again, and once more at exit: about a
    seventh of a one-document command's time (measured: 0.08 s in 170 collections
    during an `info` run, and 0.05 s at exit). Without it, a one-document run peaks
    under 1 MB higher. So the collector starts paused, and what the process holds when
    it ends is left to the operating system.
    Commands that build many documents resume it (`resume_collector`); a library
    caller's process, and the tests' in-process runs of `main`, are left alone."""
    gc.disable()
    # Files validated by an earlier run come from the validated-content cache, without
    # pydantic (LEAFLET_CACHE=off: validate every time); see `leaflet.sources.validated`.
    leaflet.use_validated_cache()
    try:
        main(prog_name="leaflet")
    finally:
        gc.freeze()  # nothing for the collection at exit to traverse


def resume_collector() -> None:
    """Let the collector run again, for a command building many documents (each leaves
    a little cyclic garbage), with what loading made frozen out of its way. Nothing
    happens where it already runs."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
