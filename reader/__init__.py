"""reader: a terminal news reader and triage desk."""

__version__ = "0.1.0"
