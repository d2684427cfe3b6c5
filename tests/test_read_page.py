"""The page reader on real sample pages: page-level fields from the margins, statuses, lineage."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.ingest import identify, page_refs
from pipeline.model import PageStatus
from pipeline.read_page import ReadOptions, read_page, read_ref

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "sample_scans"
CLEAN_PNG = sorted(p for p in SAMPLES.glob("*_clean_*.png"))


@pytest.mark.slow
@pytest.mark.parametrize("path", CLEAN_PNG, ids=lambda p: p.stem)
def test_page_fields_match_ground_truth(path: Path) -> None:
    truth = json.loads((SAMPLES / f"{path.stem}.p1.truth.json").read_text(encoding="utf-8"))
    result = read_ref(page_refs(identify(path))[0], ReadOptions(keep_image=True))
    assert result.status == PageStatus.PROCESSED and result.register == truth["register"]
    got = {k: v.value for k, v in result.page_fields.items()}
    assert got["quyenSo"] == truth["page_fields"]["quyenSo"]
    assert got["trangSo"] == truth["page_fields"]["trangSo"]  # includes bare "22" at the foot
    assert len(result.entries) == len(truth["entries"])
    # every bbox lies inside the corrected page image that comes back with the result
    h, w = result.image.shape[:2]
    for entry in result.entries:
        for f in entry.fields.values():
            if f.bbox is not None:
                assert 0 <= f.bbox.x <= f.bbox.x + f.bbox.w <= w and 0 <= f.bbox.y <= f.bbox.y + f.bbox.h <= h


def test_a_page_without_a_table_is_quarantined_with_the_reason() -> None:
    from pipeline.model import PageImage, PageRef

    blank = np.full((1200, 1700, 3), 255, np.uint8)
    result = read_page(PageImage(PageRef("blank.png", "0" * 64, 1, "image"), blank), ReadOptions())
    assert result.status == PageStatus.QUARANTINED and "no ledger table" in result.reason
    assert result.entries == []


def test_a_broken_stage_fails_the_page_with_where_it_broke(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.read_page as rp
    from pipeline.model import PageImage, PageRef

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("simulated layout bug")

    monkeypatch.setattr(rp, "find_table", boom)
    img = np.full((100, 100, 3), 255, np.uint8)
    result = read_page(PageImage(PageRef("x.png", "1" * 64, 1, "image"), img), ReadOptions())
    assert result.status == PageStatus.FAILED
    assert "RuntimeError: simulated layout bug" in result.reason and "read_page.py" in result.reason
