"""The dedup flow on the store: a page scanned twice links; a reviewer's verdict wins on the next run."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from flows._server import prefect_api
from flows.dedup import dedup
from pipeline.model import BBox, Entry, FieldStatus, FieldValue, PageRef, PageResult, PageStatus
from store import Record, Store
from store.models import RecordCluster
from store.review_models import decide_pair, get_pair

pytestmark = pytest.mark.slow

PEOPLE = [
    ("01", "NGUYỄN VĂN AN", "2008-03-15", "Nam", "TRẦN THỊ LAN", "NGUYỄN VĂN HÙNG"),
    ("02", "LÊ THỊ HOA", "2008-04-02", "Nữ", "PHẠM THỊ MAI", "LÊ VĂN TÚ"),
    ("03", "VŨ ĐỨC MINH", "2008-05-20", "Nam", "ĐỖ THỊ HẰNG", "VŨ VĂN NAM"),
]


def _fv(key: str, value: str | None) -> FieldValue:
    return FieldValue(key=key, raw=value or "", value=value, confidence=0.95, bbox=BBox(1, 1, 5, 5),
                      status=FieldStatus.OK if value else FieldStatus.EMPTY)


def _page(sha_char: str, people: list[tuple[str, ...]], book: str = "01/2008") -> PageResult:
    entries = []
    for row, (so, name, dob, sex, me, cha) in enumerate(people, start=1):
        fields = {k: _fv(k, v) for k, v in {
            "so": so, "nksHoTen": name, "nksNgaySinh": dob, "nksGioiTinh": sex, "meHoTen": me, "chaHoTen": cha,
            "nksNoiSinh": "xã Hòa Thịnh, huyện Tây Hoà, tỉnh Phú Yên"}.items()}
        entries.append(Entry(row=row, bbox=BBox(0, 100 * row, 10, 10), fields=fields))
    page_fields = {"quyenSo": _fv("quyenSo", book), "noiDangKy": _fv("noiDangKy", "UBND xã Hòa Thịnh"),
                   "trangSo": _fv("trangSo", "1")}
    return PageResult(ref=PageRef(f"/scans/{sha_char}.png", sha_char * 64, 1, "image"), status=PageStatus.PROCESSED,
                      register="khai_sinh", template_id="khai_sinh.tt04_2020", page_fields=page_fields,
                      entries=entries, pipeline_version="test")


def test_dedup_flow_links_a_rescan_and_obeys_the_reviewer(tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/d.db"
    store = Store(url)
    store.migrate()
    run = store.start_run({})
    store.load_page(run, _page("a", PEOPLE))
    rescan = [(so, name.replace("NGUYỄN", "NGUYÊN"), *rest) for so, name, *rest in PEOPLE]  # OCR variant
    store.load_page(run, _page("b", rescan))

    with prefect_api():
        first = dedup(register="khai_sinh", db_url=url)
        assert first["records"] == 6 and first["clusters"] == 3 and first["links"] >= 3
        a1, b1 = f"{'a' * 16}-p0001-r01", f"{'b' * 16}-p0001-r01"
        with store.engine.connect() as c:
            clusters = dict(c.execute(select(RecordCluster.record_id, RecordCluster.cluster_id)).all())
        assert clusters[a1] == clusters[b1]
        assert get_pair(store, a1, b1)["status"] == "link"

        decide_pair(store, a1, b1, "different", "reviewer1", "different mothers per the register")
        second = dedup(register="khai_sinh", db_url=url)
        assert second["clusters"] == 4 and second["decisions_applied"] == 1
        with store.engine.connect() as c:
            clusters = dict(c.execute(select(RecordCluster.record_id, RecordCluster.cluster_id)).all())
            n_records = c.execute(select(func.count()).select_from(Record)).scalar_one()
        assert clusters[a1] != clusters[b1]
        assert get_pair(store, a1, b1)["decision"] == "different"
        assert n_records == 6  # linked, never merged or deleted
    kinds = [e["kind"] for e in store.events()]
    assert kinds.count("dedup") == 2 and "pair_decision" in kinds
