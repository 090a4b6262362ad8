"""`python -m leaflet` runs the command line."""

from leaflet.cli import main

main(prog_name="leaflet")
