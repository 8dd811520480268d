"""The display half of the result protocol: every result object has ``summary()`` (text) and
``to_frame()`` (a table); this mixin turns them into the notebook view ``_repr_html_``."""

from __future__ import annotations

import html

__all__ = ["ResultDisplay"]


class ResultDisplay:
    """Mixin: ``_repr_html_`` from the class's ``summary()`` and ``to_frame()``."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        text = html.escape(self.summary()).replace("\n", "<br>")  # type: ignore[attr-defined]
        frame = self.to_frame()  # type: ignore[attr-defined]
        return f"<p>{text}</p>" + frame.to_html(max_rows=30)
