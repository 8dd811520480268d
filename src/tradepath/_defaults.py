"""The defaults shared by :func:`tradepath.assess`, the command line and the report, declared
once so that the three cannot give three answers."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["DEFAULT_PATHS", "DEFAULT_REPORTER", "HORIZON", "default_horizon"]

#: Paths per assessment: the Monte Carlo standard error of a probability is at most
#: 0.5 / sqrt(20 000) = 0.35 percentage points, below the whole per cent shown.
DEFAULT_PATHS = 20_000
#: Last simulated year: far enough that "not met by the horizon" is rare for the targets asked
#: (a later deadline moves it out with it); years beyond it read "after 2050".
HORIZON = 2050
#: The reporting country whose figures are fitted (Vietnam's basis, the documents').
DEFAULT_REPORTER = "VN"


def default_horizon(deadlines: Iterable[int]) -> int:
    """The last simulated year for targets with these deadlines: :data:`HORIZON`, or the
    latest deadline if later.

    Examples
    --------
    >>> default_horizon([2030]), default_horizon([2030, 2060])
    (2050, 2060)
    """
    return max(HORIZON, *(int(y) for y in deadlines))
