"""The report style: palette, line styles, rcParams as a context manager, the source note."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, cast

from .._lazy import pyplot
from .._validation import check_real

if TYPE_CHECKING:
    from matplotlib.figure import Figure, SubFigure



__all__ = [
    "BAND_LEVELS",
    "COLORS",
    "LINESTYLES",
    "OKABE_ITO",
    "report_rc",
    "report_style",
    "source_note",
]


#: The Okabe–Ito palette, distinguishable with the common colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Series colours in order of use (yellow is left out: too light on white paper).
COLORS: tuple[str, ...] = tuple(OKABE_ITO[k] for k in (
    "blue", "vermillion", "bluish_green", "reddish_purple", "orange", "sky_blue", "black"))
#: Line styles paired with :data:`COLORS`, so that series differ in grey-scale too.
LINESTYLES: tuple[Any, ...] = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)),
                               (0, (8, 2)))
#: Central band levels of the fan chart, outermost first.
BAND_LEVELS: tuple[float, ...] = (0.95, 0.8, 0.5)

_FORECAST = OKABE_ITO["blue"]
# Series next to targets skip the target colour.
_SERIES = tuple(c for c in COLORS if c != OKABE_ITO["vermillion"])
_TARGET = OKABE_ITO["vermillion"]
_EXPORTS = OKABE_ITO["bluish_green"]
_IMPORTS = OKABE_ITO["vermillion"]
_DEFICIT = OKABE_ITO["black"]
# Share of the band colour mixed with white, by band level (inner bands darker).
_BAND_TINT = {0.95: 0.2, 0.8: 0.38, 0.5: 0.62}
_A4_TEXT_WIDTH_IN = 6.7


# -- style -----------------------------------------------------------------------------------
def report_rc(*, font_scale: float = 1.0) -> dict[str, Any]:
    """The matplotlib settings of :func:`report_style` as a dict.

    Parameters
    ----------
    font_scale : float, default 1.0
        Multiplies every font size (base 9 pt, readable when a 6.7-inch figure is printed at
        A4 text width).
    """
    from cycler import cycler

    font_scale = check_real("font_scale", "report_rc", font_scale, lo=0.0, lo_open=True)
    base = 9.0 * font_scale
    return {
        "figure.figsize": (_A4_TEXT_WIDTH_IN, 4.2),
        "figure.dpi": 100,
        "savefig.dpi": 200,
        "savefig.bbox": None,
        "font.size": base,
        "axes.titlesize": base + 1.5,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": base,
        "xtick.labelsize": base - 0.5,
        "ytick.labelsize": base - 0.5,
        "legend.fontsize": base - 0.5,
        "legend.frameon": False,
        "axes.prop_cycle": cycler(color=list(COLORS)) + cycler(linestyle=list(LINESTYLES)),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "grid.color": "#d9d9d9",
        "grid.linewidth": 0.6,
        "axes.axisbelow": True,
        "axes.edgecolor": "#333333",
        "axes.linewidth": 0.8,
        "lines.linewidth": 1.6,
        "lines.markersize": 5.5,
        "hatch.linewidth": 0.6,
        # Type 3: each used glyph drawn once in the file, with a map back to the characters
        # (text stays selectable and searchable); no TrueType subsetting pass per font.
        "pdf.fonttype": 3,
        # Unhinted glyphs in the PNGs, as in the PDF and SVG: at 200 dpi hinting changes
        # nothing one can see, and the PNGs draw an eighth faster without it.
        "text.hinting": "no_hinting",
        "svg.fonttype": "none",
        "svg.hashsalt": "tradepath",  # the same ids in every run: the same SVG bytes
        "image.cmap": "cividis",
    }


@contextmanager
def report_style(*, font_scale: float = 1.0) -> Iterator[dict[str, Any]]:
    """Context manager: the report look (palette, fonts, grid) for the figures made inside.

    Nothing changes outside the ``with`` block; save figures inside it, since some settings
    are read when a figure is drawn.

    Parameters
    ----------
    font_scale : float, default 1.0
        See :func:`report_rc`.

    Yields
    ------
    dict
        The settings in force.

    Examples
    --------
    >>> from tradepath.plotting import report_style
    >>> import matplotlib as mpl
    >>> with report_style():
    ...     mpl.rcParams["font.size"]
    9.0
    """
    import matplotlib as mpl

    pyplot()  # select a backend first, so the context does not record an unset one
    rc = report_rc(font_scale=font_scale)
    with mpl.rc_context(cast(Any, rc)):
        yield rc


def source_text(ds: Any = None) -> str:
    """The source note of figures drawn from ``ds``: what its figures are
    (:meth:`tradepath.Dataset.source_words`: the documents, the official series, both, fused
    on a basis, or the figures given). None: the documents."""
    from .._version import __version__

    what = ds.source_words() if hasattr(ds, "source_words") else "figures from the documents"
    return f"Source: {what}; tradepath {__version__}"


def source_note(fig: Figure | SubFigure, text: str | None = None, *, ds: Any = None) -> Any:
    """Write the source note under a figure and reserve room for it.

    Parameters
    ----------
    fig : Figure or SubFigure
    text : str, optional
        Replaces the default note, :func:`source_text` of ``ds`` ("Source: figures from the
        documents; tradepath <version>", or for a fused history "Source: the documents and the
        official series on both bases, fused on Vietnam's basis; ...").
    ds : Dataset, optional
        The data the figure is drawn from.

    Returns
    -------
    matplotlib.text.Text
    """
    if text is None:
        text = source_text(ds)
    engine = getattr(fig, "get_layout_engine", lambda: None)()
    if engine is not None and type(engine).__name__ == "ConstrainedLayoutEngine":
        # A figure-level x label is laid out below everything else, legends included.
        return fig.supxlabel(text, x=0.01, ha="left", fontsize="small", color="#444444",
                             gid="source-note")
    return fig.text(0.01, 0.008, text, ha="left", va="bottom", fontsize="small",
                    color="#444444", gid="source-note")
