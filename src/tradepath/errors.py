"""The tradepath exception and warning family.

Every error tradepath raises derives from :class:`TradepathError` and also from the matching
built-in exception, so ``except ValueError`` keeps working for callers that expect it.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "ModelError",
    "ParameterError",
    "ScenarioFileError",
    "TradepathError",
    "TradepathWarning",
    "UnknownNameError",
]


class TradepathError(Exception):
    """Base class of every error raised by tradepath."""


class ParameterError(TradepathError, ValueError):
    """An argument of a public function has a wrong type or value."""


class DataError(TradepathError, ValueError):
    """Observations that cannot be used: missing columns, bad values, unparsable periods.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    row : int, optional
        1-based row number of the offending observation, or the file's line number.
    field : str, optional
        The offending column.
    origin : str, optional
        The file or frame the observation came from.
    row_label : str, default "row"
        "line" when ``row`` is a line number in a file.
    """

    def __init__(
        self,
        message: str,
        *,
        row: int | None = None,
        field: str | None = None,
        origin: str | None = None,
        row_label: str = "row",
    ):
        where = [origin] if origin else []
        if row is not None:
            where.append(f"{row_label} {row}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = f"{', '.join(where)}: " if where else ""
        super().__init__(prefix + message)
        self.message = message
        self.row = row
        self.field = field


class ModelError(TradepathError, ValueError):
    """A model cannot be fitted or identified on the data it was given."""


class ScenarioFileError(TradepathError, ValueError):
    """A scenario file is malformed; carries the file, the key and the line when known."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        key: str | None = None,
        line: int | None = None,
    ):
        where = [str(file)] if file else []
        if line is not None:
            where.append(f"line {line}")
        if key is not None:
            where.append(f"key {key!r}")
        prefix = f"{': '.join(where)}: " if where else ""
        super().__init__(prefix + message)
        self.file = file
        self.key = key
        self.line = line


class UnknownNameError(TradepathError, KeyError):
    """A name (target, model, column) that tradepath does not know."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class TradepathWarning(UserWarning):
    """Base class of every warning issued by tradepath."""
