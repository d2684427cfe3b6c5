"""Synthetic sample ledgers (sổ hộ tịch) with ground truth: ``generate(out_dir, seed)``.

``hotich samples`` calls :func:`generate`; ``data/sample_scans/`` holds the committed output.
"""

from __future__ import annotations

from pipeline.samples.build import DEFAULT_SEED, SAMPLE_SET, generate
from pipeline.samples.words import date_to_words, number_to_words

__all__ = ["DEFAULT_SEED", "SAMPLE_SET", "date_to_words", "generate", "number_to_words"]
