"""Tesseract OCR engine: ``get_engine()`` returns the process's engine (tesserocr, else pytesseract);
``read_cell`` reads a cell (sheared upright on a page of slanted writing, ``page_slant``) and the lines
a block read dropped."""

from __future__ import annotations

from pipeline.ocr.engine import (
    DIGIT_CHARS,
    OcrEngine,
    ReadMode,
    get_engine,
    scale_for,
    second_engine,
    text_height,
)
from pipeline.ocr.lost_lines import read_cell
from pipeline.ocr.slant import page_slant

__all__ = [
    "DIGIT_CHARS", "OcrEngine", "ReadMode", "get_engine", "page_slant", "read_cell", "scale_for", "second_engine",
    "text_height",
]
