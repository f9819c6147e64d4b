"""The core of reader: no Textual import anywhere below this package."""
