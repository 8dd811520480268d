"""Deprecated names: the warning they raise and the helpers that raise it.

:func:`warn_deprecated` is the one place the warning is raised; :func:`renamed_keywords` (an
old keyword still works under its new name) and :func:`keyword_only` (arguments that became
keyword-only still work positionally) are the two ways a signature changes for one release.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import ParameterError, TradepathWarning

__all__ = ["TradepathDeprecationWarning", "keyword_only", "renamed_keywords", "warn_deprecated"]

F = TypeVar("F", bound=Callable[..., Any])


class TradepathDeprecationWarning(TradepathWarning, DeprecationWarning):
    """A name or keyword of tradepath that is renamed; the old one still works for now."""


def warn_deprecated(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new`` (pointing at the caller's line)."""
    warnings.warn(f"{old} is deprecated; use {new} instead.", TradepathDeprecationWarning,
                  stacklevel=stacklevel)


def _func_name(func: Callable[..., Any]) -> str:
    return func.__qualname__.replace(".<locals>", "")


def renamed_keywords(**renamed: str) -> Callable[[F], F]:
    """Decorator: each keyword ``old=`` is accepted as ``new=`` with a deprecation warning.

    ``@renamed_keywords(data="ds")`` lets ``f(x, data=d)`` run as ``f(x, ds=d)``. Two old
    keywords may map to one new name; giving an old and the new name (or two old ones) with
    different values raises :class:`~tradepath.errors.ParameterError`.
    """

    def decorate(func: F) -> F:
        name = _func_name(func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            used = [old for old in renamed if old in kwargs]
            for old in used:  # every conflict is refused before anything warns
                new = renamed[old]
                value = kwargs.pop(old)
                if new in kwargs and kwargs[new] is not value:
                    raise ParameterError(
                        f"{name} got {old}= and {new}= (or another old name of {new}=) "
                        f"with different values; {old}= is the deprecated name of "
                        f"{new}=: give {new}= only.")
                kwargs[new] = value
            for old in used:
                warn_deprecated(f"The {old!r} parameter of {name}", f"{renamed[old]}=")
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def keyword_only(*names: str, first: int) -> Callable[[F], F]:
    """Decorator: ``names``, now keyword-only, still work as positional arguments ``first``,
    ``first + 1``, ... (counting ``self``), with a deprecation warning.

    ``@keyword_only("n_paths", "end", first=1)`` on a method lets ``fit.simulate(500, 2030)``
    run as ``fit.simulate(n_paths=500, end=2030)``.
    """

    def decorate(func: F) -> F:
        name = _func_name(func)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            extra = args[first:]
            if extra:
                if len(extra) > len(names):
                    raise ParameterError(
                        f"{name} takes at most {first + len(names)} positional arguments "
                        f"({len(args)} given); give {', '.join(names)} by keyword.")
                given = names[:len(extra)]
                for k in given:
                    if k in kwargs:
                        raise ParameterError(f"{name} got {k} both by position and by keyword; "
                                             f"give {k}= only.")
                shown = ", ".join(f"{k}=" for k in given)
                warn_deprecated(f"Passing {', '.join(given)} of {name} by position",
                                f"the keyword{'s' if len(given) > 1 else ''} {shown}")
                kwargs.update(zip(given, extra, strict=True))
                args = args[:first]
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
