"""The digitize flow's edges that need no OCR: what the inventory counts, and a page the database refuses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import flows.digitize as digitize_mod
from flows.digitize import take_inventory
from pipeline.model import FieldStatus, FieldValue, PageRef, PageResult, PageStatus
from store import Store

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "sample_scans"


def _a_png() -> Path:
    return sorted(SAMPLES.glob("*.png"))[0]


def test_same_bytes_under_two_names_are_read_once(tmp_path: Path, db_url: str) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    for name in ("a.png", "copy-of-a.png"):
        shutil.copyfile(_a_png(), scans / name)
    with Store(db_url) as store:
        store.migrate()
        run = store.start_run({})
        inv = take_inventory([str(scans)], store, run, tmp_path / "q")
    assert inv.files == 2
    assert len(inv.pages) == 1 and inv.pages[0].path.endswith("a.png")


def test_a_file_that_cannot_be_read_is_reported_and_the_rest_goes_on(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    for name in ("good.png", "locked.png"):
        shutil.copyfile(_a_png(), scans / name)
    real = digitize_mod.identify

    def identify(path: Path):  # type: ignore[no-untyped-def]
        if path.name == "locked.png":  # as root chmod does not stop reads: raise what open() would
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(digitize_mod, "identify", identify)
    with Store(db_url) as store:
        store.migrate()
        inv = take_inventory([str(scans)], store, store.start_run({}), tmp_path / "q")
    assert [Path(r.path).name for r in inv.pages] == ["good.png"]
    assert inv.unreadable == [{"path": str(scans / "locked.png"), "reason": "PermissionError: Permission denied"}]


@pytest.mark.postgres
def test_a_value_postgresql_refuses_fails_that_page_only(pg_url: str, tmp_path: Path) -> None:
    ref = PageRef(path="/scans/x.png", sha256="ab" * 32, page_no=1, kind="image")
    key = "k" * 100  # longer than the key column: PostgreSQL refuses it, SQLite would not
    bad = FieldValue(key=key, raw="01", value="01", confidence=0.9, bbox=None, status=FieldStatus.OK)
    result = PageResult(ref=ref, status=PageStatus.PROCESSED, register="khai_sinh", page_fields={key: bad},
                        pipeline_version="t")  # fmt: skip
    with Store(pg_url) as store:
        store.migrate()
        run = store.start_run({})
        store.register_file(ref.sha256, ref.path, 1, "image", 1)
        with pytest.raises(Exception) as direct:  # the raw load refuses the value...
            store.load_page(run, result)
        assert "DataError" in type(direct.value).__name__
        digitize_mod.load_with_retry(store, run, result)  # ...the flow's loader turns that into a failed page
        summary = store.run_summary(run)
    assert (summary["failed"], summary["processed"]) == (1, 0)
    assert "could not store" in summary["problems"][0]["reason"]
