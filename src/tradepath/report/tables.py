"""Text and tables on a report page: blocks of text, and tables whose cells are wrapped to
their measured width with room around the text."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

__all__: list[str] = []

#: Characters per line of body text at 9 pt across the A4 text width.
_WRAP = 100


def _nobreak(text: str) -> str:
    """A number kept on the line of its unit: "47 %" and "+6 points" are not broken."""
    return text.replace(" %", "\u00a0%").replace(" point", "\u00a0point")


def _wrap(text: str, width: int = _WRAP) -> str:
    """Paragraphs (lines of ``text``) filled to ``width`` characters, a number never parted
    from its unit."""
    return "\n".join(textwrap.fill(p, width=width) if p else ""
                     for p in _nobreak(text).split("\n"))


def _text_block(fig: Any, x: float, y: float, text: str, **kw: Any) -> float:
    """Write wrapped text from the top at (x, y) in figure inches; return the new y."""
    size = kw.pop("fontsize", 9.0)
    spacing = kw.pop("linespacing", 1.35)
    w, h = fig.get_size_inches()
    fig.text(x / w, y / h, text, ha="left", va="top", fontsize=size, linespacing=spacing, **kw)
    lines = text.count("\n") + 1
    return y - lines * size * spacing / 72 - 0.08


def _style_table(tab: Any, size: float) -> None:
    """House look for a table: small type, light rules, a bold shaded header."""
    tab.auto_set_font_size(False)
    tab.set_fontsize(size)
    for (r, _col), cell in tab.get_celld().items():
        cell.PAD = 0.04  # text clear of the borders
        cell.set_edgecolor("#bbbbbb")
        cell.set_linewidth(0.4)
        if r == 0:
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#eeeeee")


def _fit(text: str, width: float, size: float, weight: str = "normal") -> str:
    """``text`` wrapped at spaces into lines no wider than ``width`` inches at ``size`` points
    (in ``weight``: a bold header is measured bold).

    Widths are measured on the font's outlines (slightly wider than the rendered text, so a
    line never runs over), not counted in characters: a cell's text then never crosses its
    border and is never cut. A no-break space (as in "77\u00a0%") keeps its words together.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop, ttp = FontProperties(size=size, weight=weight), TextToPath()

    def fits(line: str) -> bool:
        return ttp.get_text_width_height_descent(line, prop, ismath=False)[0] / 72 <= width

    out = []
    for para in _nobreak(str(text)).split("\n"):
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}" if line else word
            if line and not fits(trial):
                out.append(line)
                line = word
            else:
                line = trial
        out.append(line)
    return "\n".join(out)


_CELL_PAD = 0.06  # inches between a cell's text and its left border
_CELL_VPAD = 0.035  # inches above and below a cell's text


def _data_table(fig: Any, x: float, y: float, rows: list[list[str]], labels: list[str],
                widths: list[float], size: float = 7.2,
                bold: Callable[[int], bool] = lambda i: False) -> float:
    """A table from (x, y) down, full text width: every cell wrapped to its column (measured)
    with room around it, each row as tall as its tallest cell; the first cell of the rows
    where ``bold(i)`` in bold. Returns the new y."""
    w, h = fig.get_size_inches()
    total_w = w - 2 * x
    inner = [f * total_w - 2 * _CELL_PAD for f in widths]
    body = [[_fit(v, inner[j], size, "bold" if i == 0 else "normal") for j, v in enumerate(r)]
            for i, r in enumerate([labels, *rows])]
    line_h = size * 1.2 / 72
    heights = [max(v.count("\n") + 1 for v in r) * line_h + 2 * _CELL_VPAD for r in body]
    height = sum(heights)
    ax = fig.add_axes((x / w, (y - height) / h, total_w / w, height / h))
    ax.axis("off")
    tab = ax.table(cellText=body[1:], colLabels=body[0], bbox=(0, 0, 1, 1), cellLoc="left",
                   colLoc="left", colWidths=widths)
    _style_table(tab, size)
    for (r, col), cell in tab.get_celld().items():
        cell.set_height(heights[r] / height)
        cell.PAD = _CELL_PAD / (widths[col] * total_w)  # PAD is a fraction of the width
        if r >= 1 and col == 0 and bold(r - 1):
            cell.set_text_props(fontweight="bold")
    return y - height
