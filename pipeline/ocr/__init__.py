"""Tesseract OCR engine: ``get_engine()`` returns the process's engine (tesserocr, else pytesseract);
``read_cell`` reads a cell and the lines a block read dropped."""

from __future__ import annotations

from pipeline.ocr.engine import DIGIT_CHARS, OcrEngine, ReadMode, get_engine
from pipeline.ocr.lost_lines import read_cell

__all__ = ["DIGIT_CHARS", "OcrEngine", "ReadMode", "get_engine", "read_cell"]
