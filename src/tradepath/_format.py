"""Text formatting of years, probabilities and growth rates: one copy for results, figures,
the report and the command line."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "MODEL_LABELS",
    "format_pct",
    "format_probability",
    "format_year",
    "format_year_list",
    "model_label",
    "plain_plurals",
]


def format_probability(p: float) -> str:
    """A probability as the report, the text and the figures write it: a whole per cent with
    a space before the sign, "<1 %" and ">99 %" at the ends, "–" if unknown.

    Examples
    --------
    >>> format_probability(0.503), format_probability(0.001), format_probability(0.0)
    ('50 %', '<1 %', '0 %')
    """
    if p is None or not math.isfinite(p):
        return "–"
    if 0 < p < 0.005:
        return "<1 %"
    if 0.995 < p < 1:
        return ">99 %"
    return f"{p:.0%}".replace("%", " %")


def format_year(y: float, horizon: int | float | None = None) -> str:
    """A crossing year as text: ``"2030"``, or ``"after 2040"`` when not met by the horizon.

    Examples
    --------
    >>> format_year(2030.0), format_year(float("inf"), 2040)
    ('2030', 'after 2040')
    """
    if y is None or (isinstance(y, float) and math.isnan(y)):
        return "–"
    if not math.isfinite(y):
        return f"after {int(horizon)}" if horizon is not None and math.isfinite(horizon) \
            else "not by the horizon"
    return str(int(y))


def format_year_list(years: Sequence[int]) -> str:
    """Years as text, each run of three or more consecutive years as a range.

    Examples
    --------
    >>> format_year_list([2020, 2021, 2022]), format_year_list([2020, 2024])
    ('2020–2022', '2020, 2024')
    >>> format_year_list([1992, 2012, 2014, 2015, 2016])
    '1992, 2012, 2014–2016'
    """
    years = sorted(int(y) for y in years)
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def format_pct(x: float, digits: int = 1) -> str:
    """A growth rate (a fraction) as signed per cent: ``format_pct(0.123)`` is ``"+12.3 %"``."""
    return f"{x * 100:+.{digits}f} %"


#: Model names in words, the one mapping used wherever a model is named for readers.
MODEL_LABELS: dict[str, str] = {
    "cagr": "compound growth between two years",
    "random_walk": "random walk with drift",
    "loglinear": "log-linear trend",
    "local_linear_trend": "local linear trend",
    "damped_trend": "damped trend",
    "logistic": "saturating (logistic) growth",
    "stochastic_growth": "stochastic growth (growth that drifts, priors from other pairs)",
    "ensemble": "ensemble of models",
    "data": "the data",
}


def model_label(name: str) -> str:
    """The model's name in words (:data:`MODEL_LABELS`); unknown names are returned as given."""
    return MODEL_LABELS.get(name, name.replace("_", " "))


def plain_plurals(text: str) -> str:
    """"(s)" after a count made singular or plural: "1 year(s)" is "1 year", "0 origin(s)"
    and "2 period(s)" are "0 origins" and "2 periods" (a "(s)" after no count: plural).

    Examples
    --------
    >>> plain_plurals("only 1 full year(s) and 0 origin(s)")
    'only 1 full year and 0 origins'
    """
    import re

    text = re.sub(r"\b(\d+)((?: [\w-]+)*?) (\w+)\(s\)",
                  lambda m: f"{m[1]}{m[2]} {m[3]}{'' if m[1] == '1' else 's'}", text)
    return re.sub(r"(\w)\(s\)", r"\1s", text)
