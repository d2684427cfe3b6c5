"""The national import columns per register, in the national order, and their code lists.

Source: ``moj-import-columns.md`` (the MoJ birth-register template "DL Import" sheet and its "Ghi chu"
code lists; the marriage and death headers as a digitization vendor's exporter writes them). Kept as
a Python data module rather than YAML so it ships with the package whatever the package-data globs say.
"""

from __future__ import annotations

from types import MappingProxyType

KHAI_SINH: tuple[str, ...] = (
    "STT", "so", "quyenSo", "trangSo", "ngayDangKy", "loaiDangKy", "noiDangKy", "nguoiKy", "chucVuNguoiKy",
    "nguoiThucHien", "ghiChu", "nksSoDinhDanh", "nksHoTen", "nksGioiTinh", "nksNgaySinh", "nksNgaySinhBangChu",
    "nksNoiSinh", "nksNoiSinhDVHC", "nksQueQuan", "nksDanToc", "nksQuocTich", "nksQuocTichStr",
    "nksQuocTichKhac", "nksQuocTichKhacStr", "nksLoaiKhaiSinh", "nksMatTich", "nksMatTichNgayGhiChuTuyenBo",
    "nksMatTichCanCuTuyenBo", "nksMatTichNgayGhiChuHuyTuyenBo", "nksMatTichCanCuHuyTuyenBo",
    "nksHanCheNangLucHanhVi", "nksHanCheNangLucHanhViNgayGhiChuTuyenBo", "nksHanCheNangLucHanhViCanCuTuyenBo",
    "nksHanCheNangLucHanhViNgayGhiChuHuyTuyenBo", "nksHanCheNangLucHanhViNgayCanCuHuyTuyenBo",
    "meSoDinhDanhCaNhan", "meHoTen", "meNgaySinh", "meDanToc", "meQuocTich", "meQuocTichStr", "meQuocTichKhac",
    "meQuocTichKhacStr", "meLoaiCuTru", "meNoiCuTru", "meLoaiGiayToTuyThan", "meSoGiayToTuyThan",
    "chaSoDinhDanhCaNhan", "chaHoTen", "chaNgaySinh", "chaDanToc", "chaQuocTich", "chaQuocTichStr",
    "chaQuocTichKhac", "chaQuocTichKhacStr", "chaLoaiCuTru", "chaNoiCuTru", "chaLoaiGiayToTuyThan",
    "chaSoGiayToTuyThan", "nycHoTen", "nycQuanHe", "nycLoaiGiayToTuyThan", "nycGiayToKhac", "nycSoGiayToTuyThan",
    "nycNgayCapGiayToTuyThan", "nycNoiCapGiayToTuyThan", "soDangKyNuocNgoai", "ngayDangKyNuocNgoai",
    "cqNuocNgoaiDaDangKy", "qgNuocNgoaiDaDangKy",
)  # fmt: skip

KET_HON: tuple[str, ...] = (
    "so", "quyenSo", "trangSo", "ngayDangKy", "loaiDangKy", "noiDangKy", "nguoiKy", "chucVuNguoiKy",
    "ngayXacLapQuanHeHonNhan", "nguoiThucHien", "ghiChu", "tinhTrangKetHon", "huyKetHonNgayGhiChu",
    "huyKetHonCanCu", "congNhanKetHonNgayGhiChu", "congNhanKetHonCanCu", "chongHoTen", "chongNgaySinh",
    "chongDanToc", "chongQuocTich", "chongQuocTichKhac", "chongLoaiCuTru", "chongNoiCuTru",
    "chongLoaiGiayToTuyThan", "chongGiayToKhac", "chongSoGiayToTuyThan", "chongNgayCapGiayToTuyThan",
    "chongNoiCapGiayToTuyThan", "voHoTen", "voNgaySinh", "voDanToc", "voQuocTich", "voQuocTichKhac",
    "voLoaiCuTru", "voNoiCuTru", "voLoaiGiayToTuyThan", "voGiayToKhac", "voSoGiayToTuyThan",
    "voNgayCapGiayToTuyThan", "voNoiCapGiayToTuyThan", "soDangKyNuocNgoai", "ngayDangKyNuocNgoai",
    "cqNuocNgoaiDaDangKy", "qgNuocNgoaiDaDangKy",
)  # fmt: skip

KHAI_TU: tuple[str, ...] = (
    "so", "quyenSo", "trangSo", "ngayDangKy", "loaiDangKy", "noiDangKy", "nguoiKy", "chucVuNguoiKy",
    "nguoiThucHien", "ghiChu", "nktHoTen", "nktGioiTinh", "nktNgaySinh", "nktDanToc", "nktQuocTich",
    "nktQuocTichKhac", "nktLoaiCuTru", "nktNoiCuTru", "nktLoaiGiayToTuyThan", "nktGiayToKhac",
    "nktSoGiayToTuyThan", "nktNgayCapGiayToTuyThan", "nktNoiCapGiayToTuyThan", "nktNgayChet",
    "nktNgayChetGhiBangChu", "nktGioPhutChet", "nktNoiChet", "nktNguyenNhanChet", "nktTinhTrangTuyenBoViecChet",
    "nktNgayGhiChuTuyenBoViecChet", "nktCanCuTuyenBoViecChet", "nktNgayGhiChuHuyTuyenBoViecChet",
    "nktCanCuHuyTuyenBoViecChet", "gbtLoai", "gbtSo", "gbtNgay", "gbtCoQuanCap", "nycHoTen", "nycQuanHe",
    "nycLoaiGiayToTuyThan", "nycGiayToKhac", "nycSoGiayToTuyThan", "nycNgayCapGiayToTuyThan",
    "nycNoiCapGiayToTuyThan", "soDangKyNuocNgoai", "ngayDangKyNuocNgoai", "cqNuocNgoaiDaDangKy",
    "qgNuocNgoaiDaDangKy",
)  # fmt: skip

MOJ_COLUMNS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {"khai_sinh": KHAI_SINH, "ket_hon": KET_HON, "khai_tu": KHAI_TU}
)

# Columns holding a date: written dd.mm.yyyy (partial mm.yyyy / yyyy). Listed by hand: the names are
# not a safe guide (``nksHanCheNangLucHanhViNgayCanCuHuyTuyenBo`` is a legal basis, not a date, and
# ``*BangChu`` columns hold the date in words).
DATE_COLUMNS: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {
        "khai_sinh": frozenset({
            "ngayDangKy", "nksNgaySinh", "nksMatTichNgayGhiChuTuyenBo", "nksMatTichNgayGhiChuHuyTuyenBo",
            "nksHanCheNangLucHanhViNgayGhiChuTuyenBo", "nksHanCheNangLucHanhViNgayGhiChuHuyTuyenBo",
            "meNgaySinh", "chaNgaySinh", "nycNgayCapGiayToTuyThan", "ngayDangKyNuocNgoai",
        }),
        "ket_hon": frozenset({
            "ngayDangKy", "ngayXacLapQuanHeHonNhan", "huyKetHonNgayGhiChu", "congNhanKetHonNgayGhiChu",
            "chongNgaySinh", "chongNgayCapGiayToTuyThan", "voNgaySinh", "voNgayCapGiayToTuyThan",
            "ngayDangKyNuocNgoai",
        }),
        "khai_tu": frozenset({
            "ngayDangKy", "nktNgaySinh", "nktNgayCapGiayToTuyThan", "nktNgayChet", "nktNgayGhiChuTuyenBoViecChet",
            "nktNgayGhiChuHuyTuyenBoViecChet", "gbtNgay", "nycNgayCapGiayToTuyThan", "ngayDangKyNuocNgoai",
        }),
    }
)  # fmt: skip

# The code lists of the "Ghi chu" sheet: label (as docs/field-contract.md writes the canonical value) -> code
CODE_LISTS: MappingProxyType[str, MappingProxyType[str, str]] = MappingProxyType(
    {
        "loaiDangKy": MappingProxyType({
            "Đăng ký đúng hạn": "1",
            "Đăng ký lại": "2",
            "Ghi vào sổ việc khai sinh đã đăng ký ở cơ quan có thẩm quyền nước ngoài": "3",
            "Đăng ký quá hạn": "4",
            "Cấp bản chính giấy khai sinh": "5",
            "Không xác định": "6",
        }),
        "gioiTinh": MappingProxyType({"Nam": "1", "Nữ": "2", "Không xác định": "3"}),
        "loaiGiayToTuyThan": MappingProxyType({
            "Giấy CMND": "1",
            "Hộ chiếu": "2",
            "Thẻ thường trú": "3",
            "Thẻ căn cước công dân": "4",
            "Giấy chứng minh quân đội nhân dân": "5",
            "Giấy chứng minh sĩ quan quân đội": "6",
            "Giấy chứng minh công an nhân dân": "7",
            "Giấy tờ khác": "8",
        }),
        "tuyenBo": MappingProxyType({"Tuyên bố": "1", "Hủy tuyên bố": "2"}),
    }
)  # fmt: skip


def code_list_of(column: str) -> str | None:
    """Which code list a national column is written in, or None for a free/text column."""
    if column == "loaiDangKy":
        return "loaiDangKy"
    if column.endswith("GioiTinh"):
        return "gioiTinh"
    if column.endswith("LoaiGiayToTuyThan"):
        return "loaiGiayToTuyThan"
    if column in ("nksMatTich", "nksHanCheNangLucHanhVi"):
        return "tuyenBo"
    return None


# Columns that are text with meaningful leading zeros / separators: never numbers in a spreadsheet.
# Every cell of the national workbook is written as a text cell anyway; this list is for documentation
# and for the generic tabular exports' type checks.
TEXT_ID_SUFFIXES = ("so", "quyenSo", "trangSo", "SoDinhDanh", "SoDinhDanhCaNhan", "SoGiayToTuyThan", "gbtSo")

# File-name code per register (the template's ``code`` says the same; kept here for exports of
# records whose template is no longer installed).
REGISTER_CODES: MappingProxyType[str, str] = MappingProxyType(
    {"khai_sinh": "KS", "ket_hon": "KH", "khai_tu": "KT"}
)

SHEET_NAME = "DL Import"
