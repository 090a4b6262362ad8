"""`python -m leaflet` runs the command line."""

from leaflet.cli import run

run()
