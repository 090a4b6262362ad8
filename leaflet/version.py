"""The version of leaflet, read by the build backend (hatch) and shown by `leaflet --version`."""

__version__ = "0.1.0"
