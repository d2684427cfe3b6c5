"""The national import format: columns, codes, dates, text cells, per-entry PDFs, manifest, determinism."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import openpyxl
import pytest
from test_export_cli_support import invoke, page_store  # noqa: F401  (fixture)
from test_export_support import load_samples

from pipeline.export import (
    MOJ_COLUMNS,
    entry_pdf_name,
    format_date,
    office_slug,
    parse_quyen_so,
    to_code,
)
from store import Store

REFERENCE = Path("/work/shared/reference/moj-import-columns.md")
FILES = ("ks_clean_01.png", "kh_clean_01.png", "kt_clean_01.png", "ks_book_2010.pdf")


def _reference_columns() -> dict[str, list[str]]:
    """The column lists as the reference document writes them (backticked names per section)."""
    text = REFERENCE.read_text(encoding="utf-8")
    out = {}
    for reg, title in (("khai_sinh", "## Khai sinh"), ("ket_hon", "## Kết hôn"), ("khai_tu", "## Khai tử")):
        body = text.split(title, 1)[1].split("\n\n", 2)[1]
        out[reg] = re.findall(r"`([A-Za-z]+)`", body)
    return out


def test_column_lists_match_the_reference_exactly() -> None:
    assert {k: len(v) for k, v in MOJ_COLUMNS.items()} == {"khai_sinh": 70, "ket_hon": 44, "khai_tu": 48}
    if REFERENCE.exists():
        ref = _reference_columns()
        for reg, cols in MOJ_COLUMNS.items():
            assert list(cols) == ref[reg], reg


@pytest.mark.parametrize(
    "iso,out", [("1987-03-15", "15.03.1987"), ("1987-03", "03.1987"), ("1962", "1962"), ("15/03/1987", None)]
)
def test_format_date(iso: str, out: str | None) -> None:
    assert format_date(iso) == out


def test_codes() -> None:
    assert [to_code("nksGioiTinh", v) for v in ("Nam", "Nữ", "Không xác định")] == ["1", "2", "3"]
    assert to_code("chongLoaiGiayToTuyThan", "Thẻ căn cước công dân") == "4"
    assert to_code("nycLoaiGiayToTuyThan", "Giấy tờ khác") == "8"
    assert to_code("loaiDangKy", "Đăng ký quá hạn") == "4"
    assert to_code("nksMatTich", "Hủy tuyên bố") == "2"
    assert to_code("nktGioiTinh", "2") == "2"  # already a code
    assert to_code("nksGioiTinh", "Nan") is None  # not a label: never guessed
    assert to_code("nksHoTen", "NGUYỄN VĂN A") == "NGUYỄN VĂN A"


def test_book_number_and_year_from_quyen_so() -> None:
    b = parse_quyen_so("01/2008")
    assert (b.number, b.year, b.parsed) == ("01", "2008", True)
    assert parse_quyen_so("12-2019").year == "2019"
    b = parse_quyen_so("03", "2011-05-02")
    assert (b.number, b.year, b.parsed) == ("03", "2011", False)
    assert parse_quyen_so(None).parsed is False
    assert (
        entry_pdf_name("khai_sinh", parse_quyen_so("01/2008"), "2008-03-15", "7")
        == "KS.2008.01.2008-03-15.007.pdf"
    )
    assert entry_pdf_name("khai_tu", parse_quyen_so("02/2019"), None, "125") == "KT.2019.02.undated.125.pdf"
    assert office_slug("UBND xã Đồng Hỷ, tỉnh Thái Nguyên") == "ubnd-xa-dong-hy-tinh-thai-nguyen"


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _export(db_url: str, out: Path, *extra: str):
    return invoke(
        "export", "--format", "moj-xlsx", "--out", str(out), "--db", db_url, "--actor", "tester", *extra
    )


def test_moj_workbooks_and_pdfs(db_url: str, tmp_path: Path, page_store: Path) -> None:  # noqa: F811
    store = Store(db_url)
    store.migrate()
    results = load_samples(store, page_store, FILES)
    r = _export(db_url, tmp_path / "out")
    assert r.exit_code == 0, r.output
    out = tmp_path / "out"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    books = {(b["register"], b["quyenSo"]): b for b in manifest["books"]}
    assert set(books) == {("khai_sinh", "01/2008"), ("khai_sinh", "01/2010"), ("ket_hon", "03/2012"),
                          ("khai_tu", "03/2019")}  # fmt: skip
    # row 2 of each page has a low-confidence field: left out, and counted
    n_pages = len(results)
    assert manifest["counts"]["excluded_unreviewed"] == {"needs_review": n_pages}
    assert manifest["counts"]["exported"] + n_pages == sum(len(p.entries) for p in results)
    truths = {(p.ref.sha256, e.row): e for p in results for e in p.entries}
    xlsx = [f for f in manifest["files"] if f["kind"] == "xlsx"]
    assert len(xlsx) == 4
    for f in xlsx:
        reg = f["register"]
        wb = openpyxl.load_workbook(out / f["path"])
        assert wb.sheetnames == ["DL Import"]
        rows = list(wb["DL Import"].iter_rows())
        assert [c.value for c in rows[0]] == list(MOJ_COLUMNS[reg])
        assert len(rows) - 1 == f["rows"] == books[(reg, f["quyenSo"])]["entries"]
        cols = list(MOJ_COLUMNS[reg])
        for row in rows[1:]:
            assert all(c.data_type == "s" for c in row if c.value is not None)  # every cell text
            v = {cols[i]: c.value for i, c in enumerate(row)}
            assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", v["ngayDangKy"])
            assert v["quyenSo"] == f["quyenSo"] and v["so"].isdigit()
            sex = {"khai_sinh": "nksGioiTinh", "khai_tu": "nktGioiTinh"}.get(reg)
            if sex:
                assert v[sex] in {"1", "2", "3"}
            if reg == "ket_hon":
                assert v["chongLoaiGiayToTuyThan"] in {str(i) for i in range(1, 9)}
                assert v["chongSoGiayToTuyThan"].isdigit()  # text, leading zeros kept
        if reg == "khai_sinh":
            assert [r[0].value for r in rows[1:]] == [str(i) for i in range(1, len(rows))]  # STT
    # an ID with a leading zero survives as text
    kh = next(f for f in xlsx if f["register"] == "ket_hon")
    ws = openpyxl.load_workbook(out / kh["path"])["DL Import"]
    col = list(MOJ_COLUMNS["ket_hon"]).index("voSoGiayToTuyThan") + 1
    ids = [ws.cell(r, col).value for r in range(2, ws.max_row + 1)]
    expected = {
        e.fields["voSoGiayToTuyThan"].value for e in truths.values() if "voSoGiayToTuyThan" in e.fields
    }
    assert set(ids) <= expected and any(i.startswith("0") for i in ids)
    # dates dd.mm.yyyy from ISO: the first kết hôn row
    first = truths[(results[1].ref.sha256, 1)].fields
    d = first["chongNgaySinh"].value
    assert ws.cell(2, list(MOJ_COLUMNS["ket_hon"]).index("chongNgaySinh") + 1).value == ".".join(
        reversed(d.split("-"))
    )

    pdfs = [f for f in manifest["files"] if f["kind"] == "pdf"]
    assert len(pdfs) == manifest["counts"]["exported"]
    for f in pdfs:
        name = Path(f["path"]).name
        assert re.fullmatch(r"K[SHT]\.\d{4}\.\d{2}\.\d{4}-\d{2}-\d{2}\.\d{3}\.pdf", name), name
        assert (out / f["path"]).read_bytes().startswith(b"%PDF-")
    assert any(Path(f["path"]).name.startswith("KS.2008.01.") for f in pdfs)
    # the export is on the audit chain with the manifest's hash
    ev = [e for e in store.events() if e["kind"] == "export"]
    assert len(ev) == 1 and ev[0]["actor"] == "tester"
    assert ev[0]["payload"]["manifest_sha256"] == _sha(out / "manifest.json")
    assert manifest["database"]["dialect"] == store.dialect and manifest["database"]["chain_head"]
    assert manifest["software"]["hotich"] and manifest["software"]["pipeline"]
    assert store.verify_chain().ok
    store.dispose()


def test_moj_include_unreviewed_and_determinism(db_url: str, tmp_path: Path, page_store: Path) -> None:  # noqa: F811
    store = Store(db_url)
    store.migrate()
    results = load_samples(store, page_store, FILES)
    a, b = tmp_path / "a", tmp_path / "b"
    assert _export(db_url, a, "--include-unreviewed").exit_code == 0
    assert _export(db_url, b, "--include-unreviewed").exit_code == 0
    ma = json.loads((a / "manifest.json").read_text(encoding="utf-8"))
    mb = json.loads((b / "manifest.json").read_text(encoding="utf-8"))
    assert ma["counts"]["exported"] == sum(len(p.entries) for p in results)
    assert ma["counts"]["excluded_unreviewed"] == {}
    # the same query on the same data: every data file byte-identical
    assert [(f["path"], f["sha256"]) for f in ma["files"]] == [(f["path"], f["sha256"]) for f in mb["files"]]
    for f in ma["files"]:
        assert (a / f["path"]).read_bytes() == (b / f["path"]).read_bytes()
    store.dispose()


def test_moj_refuses_a_non_empty_directory(tmp_path: Path, page_store: Path) -> None:  # noqa: F811
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.pdf").write_bytes(b"x")
    r = _export(f"sqlite:///{tmp_path / 'h.db'}", out)
    assert r.exit_code == 2


def test_verify_export_detects_one_changed_byte(tmp_path: Path, page_store: Path) -> None:  # noqa: F811
    url = f"sqlite:///{tmp_path / 'h.db'}"
    store = Store(url)
    store.migrate()
    load_samples(store, page_store, FILES[:2])
    out = tmp_path / "out"
    assert _export(url, out).exit_code == 0
    ok = invoke("verify-export", str(out))
    assert ok.exit_code == 0, ok.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for kind in ("xlsx", "pdf"):
        f = next(f for f in manifest["files"] if f["kind"] == kind)
        path = out / f["path"]
        original = path.read_bytes()
        data = bytearray(original)
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
        bad = invoke("verify-export", str(out))
        assert bad.exit_code == 1
        assert f["path"] in bad.output
        path.write_bytes(original)
    # a missing file is named too
    f = manifest["files"][-1]
    (out / f["path"]).unlink()
    bad = invoke("verify-export", str(out), "--json")
    assert bad.exit_code == 1 and f["path"] in bad.output
    store.dispose()
