"""The screens pushed over the main one; their styles are in styles/screens.tcss."""

from reader.resources import styles_dir

# Every screen here names this file: Textual reads it when the first of them
# opens, so a start (which shows none of them) does not parse their rules.
SCREENS_CSS = str(styles_dir() / "screens.tcss")
