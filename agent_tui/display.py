"""Text laid out in terminal cells, for the screens and the plain CLI output alike.

A CJK character takes two cells, a combining mark none: widths are rich's (``rich.cells``), which Textual draws
with, so a column cut here lines up on screen. Kept out of ``domain``, which imports no UI library.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size


def fit_cells(text: str, width: int) -> str:
    """Pad or cut ``text`` to exactly ``width`` terminal cells (CJK characters take two), marking a cut with …."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)
