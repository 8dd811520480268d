"""The one-command report: findings, data with provenance and the figures, in one directory.

:func:`write_report` assesses every target, compares the models, projects the balance and the
feasible growth region, and writes

=====================  ===========================================================================
file                   content
=====================  ===========================================================================
``report.pdf``         A4 pages: findings; the data with provenance and the consistency checks;
                       the fan chart; the crossing-year distributions; the model comparison;
                       the balance outlook; the feasible region; method and notes
``*.png``, ``*.svg``   the same figures on their own (``fan``, ``crossing``, ``comparison``,
                       ``balance``, ``feasible``)
``*.csv``              the tables: observations, annual series, checks, targets, assessments,
                       comparison, crossing years, forecast bands, feasible-region boundary
``summary.md``         the findings in plain language, with their numbers
``manifest.json``      settings, version, pages and files (for reproducing the report)
=====================  ===========================================================================

Everything is written to a temporary directory beside the destination and moved into place
at the end, so a failure leaves no partial report (and an earlier report stays as it was).

Examples
--------
>>> import tradepath as tp
>>> from tradepath.report import build_report, report_pages
>>> ds = tp.load_dataset()
>>> content = build_report(ds, targets=[ds.target("150B by 2030")], n_paths=500)
>>> report_pages(content)[4]
'Forecast: total trade, ensemble of models'
>>> len(report_pages(content))
10
"""

from __future__ import annotations

from .content import DEFAULT_PATHS, FIGURES, FORMATS, ReportContent, build_report, select_targets
from .pages import report_pages
from .writing import write_report

__all__ = [
    "DEFAULT_PATHS",
    "FIGURES",
    "FORMATS",
    "ReportContent",
    "build_report",
    "report_pages",
    "select_targets",
    "write_report",
]
