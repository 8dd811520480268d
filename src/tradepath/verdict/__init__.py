"""The bottom line: for each target, the answer a minister's advisor can read aloud.

:func:`bottom_line` turns assessments that are already computed (those of
:func:`tradepath.report.build_report`, or your own :func:`tradepath.assess` results) into plain
words and numbers, without simulating them again:

* the probability of meeting the target by its deadline, its spread across models, and slots
  for the outside view (the base rate of comparable historical targets) and a combined
  probability, filled when they are given;
* when it is met: the median year with its Monte Carlo precision ("2042–2045", "after 2050"
  instead of ``inf``), the 80 % window, and the most likely year only where one stands out;
* the growth needed against the growth of the median simulated path and the recent growth;
* for balanced targets, the probability without the balance condition and the deficit in the
  deadline year (US$ bn and share of two-way trade), on all paths and on the paths that meet
  the target;
* "what would change the answer": the sensitivities that move the probability most, each
  computed by assessing again with the same seed (one more year of data at the recent growth
  rate or at zero, dropping the oldest or a rounded figure, the other reading of the balance
  condition, another model), ranked by their effect.

Targets whose deadline has passed get one verdict, :func:`past_verdict`: met, missed or
unknown, with its basis.

Examples
--------
>>> import tradepath as tp
>>> from tradepath.verdict import bottom_line
>>> ds = tp.load_dataset()
>>> a = tp.assess(ds, ds.target("150B by 2030"), n_paths=2000, seed=0)
>>> line = bottom_line(ds, [a], sensitivities=False)
>>> line.lines[0].verdict is None
True
"""

from __future__ import annotations

from .lines import BottomLine, TargetLine, bottom_line, from_report
from .past import PastVerdict, past_verdict
from .sensitivity import Sensitivity, sensitivities
from .words import MODEL_LABELS, condition_words, model_label

__all__ = [
    "MODEL_LABELS",
    "BottomLine",
    "PastVerdict",
    "Sensitivity",
    "TargetLine",
    "bottom_line",
    "condition_words",
    "from_report",
    "model_label",
    "past_verdict",
    "sensitivities",
]
