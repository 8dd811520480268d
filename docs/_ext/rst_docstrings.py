"""Griffe extension: render the reStructuredText idioms of tradepath's docstrings as Markdown.

The docstrings follow numpydoc, whose conventions come from Sphinx: ``:func:`x``` roles,
``.. math::`` directives, ``:math:`x``` roles and simple ``====`` tables. mkdocstrings reads
docstrings as Markdown, so this extension rewrites those idioms before rendering:

- roles (``:func:``, ``:class:``, ``:meth:``, ``:data:``, ``:attr:``, ``:mod:``) become code;
- ``:math:`x``` becomes ``$x$`` and a ``.. math::`` block becomes a ``$$ ... $$`` block,
  both rendered by ``pymdownx.arithmatex``;
- simple reStructuredText tables become Markdown tables.

Only the rendered documentation changes; the docstrings stay valid numpydoc for ``help()``.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|data|attr|mod|obj|exc|const):`~?([^`]+)`")
_MATH_ROLE = re.compile(r":math:`([^`]+)`")
_MATH_DIRECTIVE = re.compile(r"^(\s*)\.\. math::\s*(.*)$")
_RULE = re.compile(r"^\s*=+(?: +=+)+\s*$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _math_blocks(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _MATH_DIRECTIVE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        base = len(m.group(1))
        body = [m.group(2).strip()] if m.group(2).strip() else []
        i += 1
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > base):
            if not lines[i].strip():
                # A blank line ends the block unless more indented lines follow.
                j = i
                while j < len(lines) and not lines[j].strip():
                    j += 1
                if j >= len(lines) or _indent(lines[j]) <= base:
                    break
            body.append(lines[i].strip())
            i += 1
        pad = " " * base
        out += ["", f"{pad}$$", *(f"{pad}{b}" for b in body if b), f"{pad}$$", ""]
    return out


def _columns(rule: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"=+", rule)]


def _cells(line: str, cols: list[tuple[int, int]]) -> list[str]:
    cells = []
    for k, (start, _end) in enumerate(cols):
        stop = cols[k + 1][0] if k + 1 < len(cols) else len(line)
        cells.append(line[start:stop].strip())
    return cells


def _tables(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not (_RULE.match(lines[i]) and i + 2 < len(lines) and _RULE.match(lines[i + 2])):
            out.append(lines[i])
            i += 1
            continue
        cols = _columns(lines[i])
        pad = " " * _indent(lines[i])
        header = _cells(lines[i + 1], cols)
        rows: list[list[str]] = []
        i += 3
        while i < len(lines) and not _RULE.match(lines[i]):
            if lines[i].strip():
                cells = _cells(lines[i], cols)
                if rows and not cells[0]:  # continuation of the previous row
                    rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
                else:
                    rows.append(cells)
            i += 1
        i += 1  # the closing rule
        out += ["", pad + "| " + " | ".join(header) + " |",
                pad + "|" + "|".join("---" for _ in header) + "|"]
        out += [pad + "| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        out.append("")
    return out


def rst_to_markdown(text: str) -> str:
    """Rewrite the reStructuredText idioms of one docstring as Markdown."""
    lines = _tables(_math_blocks(text.splitlines()))
    text = "\n".join(lines)
    text = _MATH_ROLE.sub(lambda m: f"${m.group(1)}$", text)
    return _ROLE.sub(lambda m: f"`{m.group(1)}`", text)


class RstDocstrings(griffe.Extension):
    """Rewrite every docstring once the object tree is built."""

    def on_object(self, *, obj: Any, loader: Any, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = rst_to_markdown(obj.docstring.value)
