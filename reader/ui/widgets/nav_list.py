"""An option list that answers the same movement keys as every list in the app."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.widgets import OptionList

from reader.ui.keys import LIST_KEYS


class NavList(OptionList):
    """The topic sidebar, the related items and the load report build on this."""

    BINDINGS: ClassVar[list[BindingType]] = [*LIST_KEYS]
