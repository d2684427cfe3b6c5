"""Fallback engine over the tesseract CLI (pytesseract): ~160 ms fixed cost per call, so only when
tesserocr cannot load. Every call has a timeout; a timeout reads as nothing (OCRmyPDF's null result)."""

from __future__ import annotations

import numpy as np

from pipeline.model import BBox, OcrLine
from pipeline.ocr.engine import (
    DIGIT_CHARS,
    READ_DEADLINE_S,
    ReadMode,
    Word,
    alone_image,
    clip_rect,
    has_alnum,
    make_line,
    moved_lines,
    osd_downscale,
    split_wide_gaps,
    valid_digits,
)

# the same deadline as the in-process engine, with room for the process to start and load its model
TIMEOUT_S = READ_DEADLINE_S + 5


class PytesseractEngine:
    name = "pytesseract"

    def __init__(self, lang: str = "vie", tessdata: str | None = None, reason: str = "") -> None:
        import pytesseract

        self._pt = pytesseract
        self._lang = lang
        self._tessdata = tessdata
        self.reason = reason  # why tesserocr was not used
        self._page: np.ndarray | None = None

    def set_page(self, gray: np.ndarray, dpi: int = 300, scale: float | None = None) -> None:
        # ``scale`` (a reduction for speed) is the tesserocr engine's; a process per call gains nothing
        self._page = gray
        self._dpi = dpi

    def _config(self, psm: int, whitelist: str | None = None) -> str:
        cfg = f"--psm {psm} --dpi {self._dpi} -c tessedit_do_invert=0"
        if self._tessdata:
            cfg += f" --tessdata-dir {self._tessdata}"
        if whitelist:
            cfg += f" -c tessedit_char_whitelist={whitelist}"
        return cfg

    def read(self, rect: BBox, mode: ReadMode = "block") -> list[OcrLine]:
        if self._page is None:
            raise RuntimeError("set_page() first")
        h, w = self._page.shape[:2]
        r = clip_rect(rect, w, h)
        if r is None:
            return []
        if mode == "line":
            return self._run(r, 7) or self._run(r, 6)
        if mode == "digits":
            lines = self._run(r, 6, DIGIT_CHARS)
            return lines if valid_digits(lines) else self._run(r, 6)
        if mode == "word":
            return self._run(r, 8)
        if mode == "auto":
            return [make_line(p) for ln in self._groups(r, 3) for p in split_wide_gaps(ln) if has_alnum(p)]
        return self._run(r, 6)

    def read_alone(
        self, gray: np.ndarray, rect: BBox, mode: ReadMode = "block", *, slope: float = 0.0, binarize: bool = False,
        scale: float | None = None,
    ) -> list[OcrLine]:
        """``rect`` read as an image of its own (``alone_image``); boxes in page coordinates (``scale`` is
        the tesserocr engine's, see ``set_page``)."""
        cut = alone_image(gray, rect, slope, binarize)
        if cut is None:
            return []
        img, dx, dy = cut
        crop = PytesseractEngine(self._lang, self._tessdata)
        crop.set_page(img, dpi=getattr(self, "_dpi", 300))
        h, w = img.shape[:2]
        return moved_lines(crop.read(BBox(0, 0, w, h), mode), dx, dy)

    def _run(self, r: BBox, psm: int, whitelist: str | None = None) -> list[OcrLine]:
        return [make_line(g) for g in self._groups(r, psm, whitelist)]

    def _groups(self, r: BBox, psm: int, whitelist: str | None = None) -> list[list[Word]]:
        from PIL import Image

        crop = Image.fromarray(self._page[r.y : r.y + r.h, r.x : r.x + r.w])
        try:
            d = self._pt.image_to_data(
                crop,
                lang=self._lang,
                config=self._config(psm, whitelist),
                output_type=self._pt.Output.DICT,
                timeout=TIMEOUT_S,
            )
        except RuntimeError:  # pytesseract raises RuntimeError on timeout
            return []
        groups: dict[tuple[int, int, int], list[int]] = {}
        for i, text in enumerate(d["text"]):
            if text and text.strip() and float(d["conf"][i]) >= 0:
                groups.setdefault((d["block_num"][i], d["par_num"][i], d["line_num"][i]), []).append(i)
        return [
            [
                (
                    d["text"][i].strip(),
                    float(d["conf"][i]),
                    BBox(d["left"][i] + r.x, d["top"][i] + r.y, d["width"][i], d["height"][i]),
                )
                for i in idx
            ]
            for idx in groups.values()
        ]

    def orientation(self, gray: np.ndarray) -> tuple[int, float]:
        from PIL import Image

        cfg = "--psm 0" + (f" --tessdata-dir {self._tessdata}" if self._tessdata else "")
        try:
            d = self._pt.image_to_osd(
                Image.fromarray(osd_downscale(gray)),
                config=cfg,
                output_type=self._pt.Output.DICT,
                timeout=TIMEOUT_S,
            )
        except Exception:  # TesseractError on too few characters, RuntimeError on timeout
            return 0, 0.0
        # The CLI's "Rotate" is already the clockwise turn that makes the page upright.
        return int(d["rotate"]) % 360, float(d["orientation_conf"])
