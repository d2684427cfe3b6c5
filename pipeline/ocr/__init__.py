"""Tesseract OCR engine: ``get_engine()`` returns the process's engine (tesserocr, else pytesseract)."""

from __future__ import annotations

from pipeline.ocr.engine import DIGIT_CHARS, OcrEngine, ReadMode, get_engine

__all__ = ["DIGIT_CHARS", "OcrEngine", "ReadMode", "get_engine"]
