"""The `leaflet` command line: a thin layer over the library's public API.

Each command parses its options, calls one public function of `leaflet` and echoes the
result; errors are `LeafletError`s, which Click prints as one `Error:` line (naming
command-line options, not Python arguments) with a non-zero exit. `run` (in `main`)
is the console entry point, running the group `main`; the commands live in `documents`
(info, consent, aftercare), `packs` (batch, email) and `admin` (init, list, check,
verify).
"""

from leaflet.cli.main import main, run

__all__ = ["main", "run"]
