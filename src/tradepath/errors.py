"""The tradepath exception and warning family.

Every error tradepath raises derives from :class:`TradepathError` and also from the matching
built-in exception, so ``except ValueError`` keeps working for callers that expect it.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "Interrupted",
    "ModelError",
    "OutputError",
    "OutputExistsError",
    "ParameterError",
    "ScenarioFileError",
    "SourceError",
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


class SourceError(TradepathError, RuntimeError):
    """A statistics source (the IMF, UN Comtrade) could not answer: no network, no cached
    response offline, a missing key, a rate limit, or an answer that is not data.

    The message names the source, what was asked and what to do.
    """


class UnknownNameError(TradepathError, KeyError):
    """A name (target, model, column) that tradepath does not know."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class OutputError(TradepathError, OSError):
    """An output file or folder cannot be written (missing parent folder, no permission).

    The message names the path the user gave, never a temporary name.
    """


class OutputExistsError(OutputError, FileExistsError):
    """The output path is taken by something tradepath will not replace.

    Raised when ``overwrite`` is False, or when the existing folder was not written by
    tradepath or holds files tradepath did not write (the message lists the first few).
    """


class Interrupted(BaseException):
    """A signal (SIGTERM, SIGINT) stopped a write; temporary output has been removed.

    Derives from :class:`BaseException`, like :class:`KeyboardInterrupt`, so that an
    ``except Exception`` in user code does not swallow a request to stop.

    Parameters
    ----------
    signum : int
        The signal number.

    Attributes
    ----------
    exit_code : int
        ``128 + signum``, the shell convention (130 for SIGINT, 143 for SIGTERM).
    """

    def __init__(self, signum: int):
        import signal

        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        super().__init__(f"interrupted by {name}; no output was written")
        self.signum = signum
        self.exit_code = 128 + signum


class TradepathWarning(UserWarning):
    """Base class of every warning issued by tradepath."""
