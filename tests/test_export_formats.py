"""CSV / XLSX / JSONL exports: bytes (BOM, CRLF, injection guard), lineage, filters, determinism."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from test_export_cli_support import invoke, page_store  # noqa: F401  (fixture)
from test_export_support import load_samples

from flows.export import ExportError, run_export
from pipeline.export import LINEAGE_COLUMNS, META_COLUMNS, guard_cell, national_keys, write_csv
from store import Store
from store.export_queries import RecordFilter, date_in_range, iter_export_records

FILES = ("ks_clean_01.png", "kh_clean_01.png", "kt_clean_01.png", "ks_book_2010.pdf")


@pytest.fixture
def loaded(db_url: str, page_store: Path):  # noqa: F811
    store = Store(db_url)
    store.migrate()
    results = load_samples(store, page_store, FILES)
    yield store, results
    store.dispose()


def test_guard_cell() -> None:
    for bad in ("=1+1", "+84", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert guard_cell(bad) == "'" + bad
    assert guard_cell("NGUYỄN") == "NGUYỄN" and guard_cell("") == ""


def test_csv_bytes_bom_crlf_quoting_guard(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    n = write_csv(p, ["a", "b"], [['=HYPERLINK("x")', 'Nguyễn, "Văn"\nA'], ["012", "-5"]])
    data = p.read_bytes()
    assert n == 2
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 3  # header + 2 rows, CRLF
    assert data.replace(b"\r\n", b"").count(b"\n") == 1  # only the newline inside the quoted cell
    text = data.decode("utf-8-sig")
    assert text.split("\r\n")[0] == "a,b"
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ['\'=HYPERLINK("x")', 'Nguyễn, "Văn"\nA']
    assert rows[2] == ["012", "'-5"]


def test_csv_export_wide(loaded, tmp_path: Path) -> None:
    store, results = loaded
    out = run_export(store.url, "csv", tmp_path / "x.csv", RecordFilter(register="khai_sinh"))
    data = (tmp_path / "x.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [*META_COLUMNS, *national_keys(["khai_sinh"])]
    ks = [p for p in results if p.register == "khai_sinh"]
    assert len(rows) - 1 == sum(len(p.entries) for p in ks) - len(ks)  # one needs_review row per page
    assert out.manifest_path == tmp_path / "x.manifest.json"
    assert {r[2] for r in rows[1:]} == {"ok"}
    col = rows[0].index("nksNgaySinh")
    assert all(len(r[col]) == 10 and r[col][4] == "-" for r in rows[1:])  # canonical ISO here
    assert invoke("verify-export", str(out.manifest_path)).exit_code == 0
    assert invoke("verify-export", str(tmp_path)).exit_code == 0  # finds the one *.manifest.json


def test_lineage_carries_raw_confidence_page_bbox_rules_and_corrections(loaded, tmp_path: Path) -> None:
    store, results = loaded
    rid = next(r["record_id"] for r in iter_export_records(store, RecordFilter(register="ket_hon")))
    store.correct_field(rid, "ghiChu", "=cmd|' /C calc'!A0", actor="reviewer1", reason="read again")
    store.correct_field(rid, "quyenSo", "03/2012", actor="reviewer2")  # page-level: shared by the page
    out = run_export(store.url, "jsonl", tmp_path / "l.jsonl", RecordFilter(register="ket_hon"),
                     lineage=True, include_unreviewed=True)  # fmt: skip
    recs = [json.loads(line) for line in (tmp_path / "l.jsonl").read_text(encoding="utf-8").splitlines()]
    assert out.manifest["counts"]["exported"] == len(recs) == 8
    rec = next(r for r in recs if r["record_id"] == rid)
    f = rec["fields"]["chongHoTen"]
    assert {"value", "raw", "confidence", "bbox", "status", "rules", "source", "page_sha256", "page",
            "corrections"} <= set(f)  # fmt: skip
    assert f["page_sha256"] == rec["source"]["sha256"] and len(f["bbox"]) == 4 and f["rules"] == ["nfc"]
    c = rec["fields"]["ghiChu"]
    assert c["source"] == "human" and c["actor"] == "reviewer1"
    [corr] = c["corrections"]
    assert corr["actor"] == "reviewer1" and corr["after"] == "=cmd|' /C calc'!A0" and corr["ts"]
    assert corr["reason"] == "read again" and len(corr["event"]) == 64
    others = [r for r in recs if r["record_id"] != rid and r["source"]["page"] == rec["source"]["page"]]
    assert all(r["fields"]["quyenSo"]["corrections"][0]["actor"] == "reviewer2" for r in others)
    # the same lineage as CSV rows (one per field), with the injection guard on the corrected value
    run_export(store.url, "csv", tmp_path / "l.csv", RecordFilter(register="ket_hon"), lineage=True,
               include_unreviewed=True)  # fmt: skip
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "l.csv").read_bytes().decode("utf-8-sig"), newline=""))
    )
    assert list(rows[0]) == list(LINEAGE_COLUMNS)
    g = next(r for r in rows if r["record_id"] == rid and r["field"] == "ghiChu")
    assert g["value"] == "'=cmd|' /C calc'!A0" and g["source"] == "human"
    assert json.loads(g["corrections"])[0]["actor"] == "reviewer1"


def test_xlsx_generic_text_cells(loaded, tmp_path: Path) -> None:
    store, results = loaded
    run_export(
        store.url, "xlsx", tmp_path / "r.xlsx", RecordFilter(register="ket_hon"), include_unreviewed=True
    )
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    rows = list(ws.iter_rows(values_only=False))
    assert [c.value for c in rows[0]] == [*META_COLUMNS, *national_keys(["ket_hon"])]
    assert all(c.data_type == "s" for r in rows[1:] for c in r if c.value is not None)
    col = [c.value for c in rows[0]].index("voSoGiayToTuyThan")
    assert any(r[col].value and r[col].value.startswith("0") for r in rows[1:])


@pytest.mark.parametrize("fmt,lineage", [("csv", False), ("csv", True), ("xlsx", False), ("xlsx", True),
                                         ("jsonl", False), ("jsonl", True)])  # fmt: skip
def test_same_query_same_bytes(loaded, tmp_path: Path, fmt: str, lineage: bool) -> None:
    store, _ = loaded
    a = run_export(store.url, fmt, tmp_path / "a", lineage=lineage, include_unreviewed=True)
    b = run_export(store.url, fmt, tmp_path / "b", lineage=lineage, include_unreviewed=True)
    [fa], [fb] = a.manifest["files"], b.manifest["files"]
    assert fa["sha256"] == fb["sha256"] and fa["rows"] == fb["rows"] > 0
    assert (tmp_path / "a" / fa["path"]).read_bytes() == (tmp_path / "b" / fb["path"]).read_bytes()
    assert a.manifest_sha256 != b.manifest_sha256  # the manifest holds the time; the data does not


def test_filters(loaded, tmp_path: Path) -> None:
    store, results = loaded

    def ids(**kw) -> set[str]:
        return {r["record_id"] for r in iter_export_records(store, RecordFilter(**kw))}

    everything = ids()
    assert len(everything) == sum(len(p.entries) for p in results)
    assert ids(book="01/2010") == {r for r in everything if r.startswith(results[-1].ref.sha256[:16])}
    office = results[0].page_fields["noiDangKy"].value
    assert ids(office=office) == ids(register="khai_sinh", book=results[0].page_fields["quyenSo"].value)
    assert ids(office="UBND xã Không Có") == set()
    assert ids(status=("needs_review",)) == {r for r in everything if r.endswith("-r02")}
    dates = {
        r["record_id"]: r["fields"]["ngayDangKy"]["value"] for r in iter_export_records(store, RecordFilter())
    }
    lo, hi = sorted(dates.values())[3], sorted(dates.values())[-4]
    assert ids(date_from=lo, date_to=hi) == {k for k, d in dates.items() if lo <= d <= hi}
    assert ids(book="") == set()  # every page has its quyenSo
    with pytest.raises(ExportError):
        run_export(store.url, "csv", tmp_path / "x", RecordFilter(status=("needs_review",)))


def test_date_in_range_at_the_precision_of_the_value() -> None:
    assert date_in_range("2008", "2008-03-01", "2008-12-31")
    assert date_in_range("2008-03", "2008-03-15", None)
    assert not date_in_range("2007-12-31", "2008-01-01", None)
    assert not date_in_range(None, "2008-01-01", None) and date_in_range(None, None, None)


def test_cli_export_jsonl_file_and_filters(loaded, tmp_path: Path) -> None:
    store, results = loaded
    out = tmp_path / "records.jsonl"
    r = invoke("export", "--format", "jsonl", "--out", str(out), "--db", store.url, "--register", "khai_tu",
               "--from", "01.01.2019", "--to", "2019-12-31")  # fmt: skip
    assert r.exit_code == 0, r.output
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert recs and {x["register"] for x in recs} == {"khai_tu"}
    assert set(recs[0]["fields"]["nktHoTen"]) == {"value", "raw", "confidence", "bbox", "status"}
    m = json.loads((tmp_path / "records.manifest.json").read_text(encoding="utf-8"))
    assert m["filters"]["register"] == "khai_tu" and m["filters"]["date_from"] == "2019-01-01"
    assert m["counts"]["excluded_unreviewed"] == {"needs_review": 1}
    assert invoke("export", "--format", "pdf", "--out", str(tmp_path / "z"), "--db", store.url).exit_code == 2
    assert invoke("export", "--format", "csv", "--out", str(tmp_path / "z"), "--db", store.url,
                  "--from", "not-a-date").exit_code == 2  # fmt: skip


def test_export_flow_body_is_the_same_export(loaded, tmp_path: Path) -> None:
    from flows.export import export

    store, _ = loaded
    out = export.fn("jsonl", str(tmp_path / "f.jsonl"), db_url=store.url, register="khai_tu", actor="flow")
    assert out["counts"]["exported"] == 7 and len(out["manifest_sha256"]) == 64
    assert store.events()[-1]["actor"] == "flow"
