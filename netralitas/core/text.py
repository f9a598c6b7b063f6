"""Typed text as it is stored: one clean line for names and numbers, clean paragraphs for descriptions.

WTForms filters (and plain functions for services): they take what a browser sent, including NUL, control and
format characters pasted from word processors, and keep what a letter or a PDF can print.
"""
from __future__ import annotations

#: Characters kept inside multi-line text besides printable ones.
_LINE_BREAKS = "\n"


def single_line(value: str | None) -> str:
    """One line: control characters dropped, every run of whitespace (tabs, line breaks) made one space, trimmed."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in (value or "")).split())


def multi_line(value: str | None) -> str:
    """Paragraphs: \\r\\n and \\r made \\n, other control characters dropped, each line trimmed at its end, at most one
    blank line in a row, no blank lines around."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = ["".join(ch for ch in line if ch.isprintable() or ch == "\t").replace("\t", " ").rstrip()
             for line in text.split(_LINE_BREAKS)]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip("\n")
