"""Look inside an uploaded file before any spreadsheet parser does.

A spreadsheet is a zip (.xlsx, .ods), an OLE2 compound file (.xls; also an encrypted
.xlsx) or text (.csv). Here, with the standard library only and without expanding
anything unbounded, we decide which one it is and refuse what must not be read: a
file that is not a spreadsheet, corrupt, encrypted, a zip bomb, or carrying macros.
`sheet_facts` then finds the formula cells of one sheet (refused by the reader where
it would import them) and a sheet so large that loading it would exhaust memory.

Every refusal is an `ImportFileError` whose Vietnamese message is shown as is.
"""

import html
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings

XLSX, XLS, ODS, CSV = "xlsx", "xls", "ods", "csv"
FORMAT_LABELS = {XLSX: "Excel (.xlsx)", XLS: "Excel 97–2003 (.xls)", ODS: "OpenDocument (.ods)",
                 CSV: "CSV"}  # fmt: skip

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

# A zip that inflates beyond this, or by more than this ratio, is refused unread.
MAX_INFLATED_BYTES = 200 * 1024 * 1024
MAX_INFLATION_RATIO = 100
MAX_ZIP_ENTRIES = 5000
# The widest sheet read: 702 columns (A…ZZ); real lists have a few dozen.
MAX_COLUMNS = 702
CHUNK = 4 * 1024 * 1024

SAVE_AS_XLSX = "mở tệp bằng Excel, chọn Lưu thành → “Sổ làm việc Excel (*.xlsx)” rồi tải lên lại"


CORRUPT_ZIP = (
    "Tệp không phải bảng tính Excel hợp lệ hoặc đã bị hỏng (không giải nén được): mở tệp "
    "bằng Excel, lưu lại rồi tải lên lại."
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is shown to the user as is."""


def _size(size: int) -> str:
    """A file size as people read it: "12,5 MB", "300 KB"."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0") + " MB"
    return f"{max(size // 1024, 1)} KB"


def detect_format(path: Path, filename: str = "") -> str:
    """The file's format (XLSX, XLS, ODS or CSV), after refusing what must not be read.

    Checks, cheapest first: size, magic bytes, container structure (zip bomb, corrupt
    zip, encryption, macros). `filename` is the user's name for the file.
    """
    path = Path(path)
    name = (filename or path.name).lower()
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        raise ImportFileError("Không mở được tệp.") from None
    if size == 0:
        raise ImportFileError("Tệp rỗng, không có dữ liệu.")
    limit = settings.IMPORT_MAX_BYTES
    if limit and size > limit:
        raise ImportFileError(f"Tệp quá lớn ({_size(size)}; giới hạn {_size(limit)}).")
    if name.endswith((".xlsm", ".xltm", ".xlam")):
        raise ImportFileError(_macro_message())
    if head.startswith(ZIP_MAGIC):
        return _check_zip(path, size, name)
    if head.startswith(OLE_MAGIC):
        return _check_ole(path, name)
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise ImportFileError("Tệp này là một chương trình máy tính, không phải bảng tính.")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")):
        raise ImportFileError(
            "Tệp này là trang web (HTML) được đặt tên như bảng tính, không phải tệp Excel: "
            + SAVE_AS_XLSX
            + "."
        )
    if stripped.startswith(b"<?xml") and b"spreadsheet" in head:
        raise ImportFileError(
            "Tệp là “Bảng tính XML 2003”, chưa được hỗ trợ: " + SAVE_AS_XLSX + "."
        )
    if name.endswith((".xlsx", ".xls", ".ods", ".xlsb")) or b"\x00" in head:
        raise ImportFileError(_not_a_spreadsheet(name))
    return CSV


def _not_a_spreadsheet(name: str) -> str:
    suffix = PurePosixPath(name).suffix
    if suffix in (".xlsx", ".xls"):
        return f"Tệp không phải bảng tính Excel ({suffix}) hợp lệ hoặc đã bị hỏng."
    if suffix == ".ods":
        return "Tệp không phải bảng tính OpenDocument (.ods) hợp lệ hoặc đã bị hỏng."
    return "Tệp không phải bảng tính (.xlsx, .xls, .ods hoặc .csv)."


def _macro_message() -> str:
    return "Tệp có chứa macro (VBA), hệ thống không nhận tệp có macro: " + SAVE_AS_XLSX + "."


def _encrypted_message() -> str:
    return (
        "Tệp được đặt mật khẩu (đã mã hóa) nên không đọc được: mở tệp bằng Excel, bỏ mật "
        "khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, để trống), "
        "lưu lại rồi tải lên."
    )


# --- zip: xlsx and ods ---------------------------------------------------------------


def _check_zip(path: Path, size: int, name: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if len(infos) > MAX_ZIP_ENTRIES:
                raise ImportFileError("Tệp có quá nhiều thành phần, không phải bảng tính thường.")
            inflated = sum(info.file_size for info in infos)
            if inflated > MAX_INFLATED_BYTES or (
                inflated > 10 * 1024 * 1024 and inflated > size * MAX_INFLATION_RATIO
            ):
                raise ImportFileError(
                    f"Tệp giải nén ra quá lớn ({_size(inflated)} từ {_size(size)}): không "
                    "đọc tệp này (có thể là tệp độc hại)."
                )
            if any(info.flag_bits & 0x1 for info in infos):
                raise ImportFileError(_encrypted_message())
            lowered = {n.lower() for n in names}
            if any(
                n.endswith("vbaproject.bin") or n.startswith("xl/macrosheets/") for n in lowered
            ):
                raise ImportFileError(_macro_message())
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                return _check_ods(archive, names)
            if "xl/workbook.xml" in names:
                return XLSX
            if "xl/workbook.bin" in names:
                raise ImportFileError(
                    "Tệp Excel dạng nhị phân (.xlsb) chưa được hỗ trợ: " + SAVE_AS_XLSX + "."
                )
            if "content.xml" in names:
                return _check_ods(archive, names)
    except ImportFileError:
        raise
    except Exception:
        # A damaged zip fails in many ways (zlib, struct, CRC, …); all mean the same here.
        raise ImportFileError(CORRUPT_ZIP) from None
    raise ImportFileError(_not_a_spreadsheet(name if name.endswith(".ods") else "tep.xlsx"))


def _check_ods(archive: zipfile.ZipFile, names: set[str]) -> str:
    if any(n.startswith(("Basic/", "Scripts/")) for n in names):
        raise ImportFileError(_macro_message())
    if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read(
        "META-INF/manifest.xml"
    ):
        raise ImportFileError(_encrypted_message())
    if "content.xml" not in names:
        raise ImportFileError(_not_a_spreadsheet(".ods"))
    return ODS


def _stream_chunks(archive: zipfile.ZipFile, member: str):
    """The member's bytes in chunks, with a little overlap so that no tag is cut in two.

    zipfile stops at the declared size and checks the CRC: a member that lies about its
    size fails here, before any parser sees it.
    """
    tail = b""
    with archive.open(member) as fh:
        while chunk := fh.read(CHUNK):
            yield tail, chunk
            tail = chunk[-512:]


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding it, from workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        ident = re.search(rb'\bId="([^"]*)"', tag)
        target = re.search(rb'\bTarget="([^"]*)"', tag)
        if ident and target:
            targets[ident.group(1)] = html.unescape(target.group(1).decode())
    parts = {}
    for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", workbook):
        sheet_name = re.search(rb'\bname="([^"]*)"', tag)
        ident = re.search(rb'\b\w+:id="([^"]*)"', tag)
        if sheet_name and ident and ident.group(1) in targets:
            target = targets[ident.group(1)]
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts[html.unescape(sheet_name.group(1).decode())] = member
    return parts


_XLSX_FORMULA_CELL = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*>\s*<(?:\w+:)?f[\s>/]'
)

_XLSX_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
# Literal prefixes let the regex engine skip ahead: these scans run over the whole sheet.
_XLSX_WIDE_CELL = re.compile(rb' r="([A-Z]{3})\d')


def _may_hold_formula(window: bytes) -> bool:
    return b"<f" in window or b":f>" in window or b":f " in window


def column_index(letters: str) -> int:
    """0-based index of a column letter: A -> 0, Z -> 25, AA -> 26."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def column_letter(index: int) -> str:
    """Column letter of a 0-based index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class SheetFacts:
    # row number (1-based) -> 0-based column indexes of the cells holding a formula
    formulas: dict[int, set[int]] = field(default_factory=dict)
    last_row: int = 0  # 1-based, 0 when unknown


def sheet_facts(path: Path, fmt: str, sheet: str) -> SheetFacts:
    """Formula cells and size of one sheet, read from the file's own structure."""
    if fmt == XLSX:
        facts = _xlsx_facts(path, sheet)
    elif fmt == XLS:
        facts = _xls_facts(path, sheet)
    elif fmt == ODS:
        facts = _ods_facts(path, sheet)
    else:
        return SheetFacts()
    limit = settings.IMPORT_MAX_ROWS
    # Title, header and blank rows come on top of the data rows; twice the limit is
    # far beyond any real list and far below what would exhaust memory.
    if limit and facts.last_row > 2 * limit + 1000:
        raise ImportFileError(
            f"Trang tính “{sheet}” có dữ liệu đến dòng {facts.last_row:,}, quá nhiều dòng "
            f"(giới hạn {limit:,} dòng).".replace(",", ".")
        )
    return facts


def _xlsx_facts(path: Path, sheet: str) -> SheetFacts:
    facts = SheetFacts()
    try:
        with zipfile.ZipFile(path) as archive:
            member = _xlsx_sheet_parts(archive).get(sheet)
            if member is None or member not in archive.NameToInfo:
                return facts
            for tail, chunk in _stream_chunks(archive, member):
                if found := _XLSX_WIDE_CELL.search(chunk):
                    wide = found.group(1).decode()
                    if column_index(wide) >= MAX_COLUMNS:
                        raise ImportFileError(
                            f"Trang tính “{sheet}” có dữ liệu ở cột {wide}, quá nhiều cột."
                        )
                window = tail + chunk
                if _may_hold_formula(window):
                    for letters, row in _XLSX_FORMULA_CELL.findall(window):
                        facts.formulas.setdefault(int(row), set()).add(
                            column_index(letters.decode())
                        )
                rows = _XLSX_ROW.findall(chunk[-65536:])
                if rows:
                    facts.last_row = max(facts.last_row, int(rows[-1]))
            # Every other part the parser reads is inflated once here too (CRC checked).
            for other in ("xl/sharedStrings.xml", "xl/styles.xml"):
                if other in archive.NameToInfo:
                    for _ in _stream_chunks(archive, other):
                        pass
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(CORRUPT_ZIP) from None
    return facts


_ODS_TOKEN = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
)
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_REPEAT_ROWS = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_REPEAT_COLS = re.compile(rb'table:number-columns-repeated="(\d+)"')


def _ods_facts(path: Path, sheet: str) -> SheetFacts:
    facts = SheetFacts()
    try:
        with zipfile.ZipFile(path) as archive:
            content = archive.read("content.xml")
    except Exception:
        raise ImportFileError(CORRUPT_ZIP) from None
    # Walk the tags, counting rows and columns (with their repeats), only as far as needed.
    in_sheet, row, col, row_repeat, depth = False, 0, 0, 1, 0
    for match in _ODS_TOKEN.finditer(content):
        closing, tag, attrs, empty = match.groups()
        if tag == b"table":
            if closing:
                depth -= 1
                if in_sheet and depth == 0:
                    break
                continue
            depth += 1
            if depth == 1:
                found = _ODS_NAME.search(attrs)
                in_sheet = bool(found) and html.unescape(found.group(1).decode()) == sheet
            continue
        if not in_sheet or depth != 1:
            continue
        if tag == b"table-row":
            if closing:
                row += row_repeat
                continue
            repeat = _ODS_REPEAT_ROWS.search(attrs)
            row_repeat, col = (int(repeat.group(1)) if repeat else 1), 0
            if empty:
                row += row_repeat
            continue
        if closing:
            continue
        repeat = _ODS_REPEAT_COLS.search(attrs)
        count = int(repeat.group(1)) if repeat else 1
        valued = b"value-type" in attrs
        if valued:
            if col + count > MAX_COLUMNS:
                raise ImportFileError(f"Trang tính “{sheet}” có quá nhiều cột.")
            facts.last_row = max(facts.last_row, row + row_repeat)
        if b"table:formula" in attrs:
            for index in range(col, min(col + count, MAX_COLUMNS)):
                for number in range(row + 1, row + 1 + min(row_repeat, 10)):
                    facts.formulas.setdefault(number, set()).add(index)
        col += count
    return facts


# --- OLE2 compound file: xls, or an encrypted xlsx ---------------------------------------

FREE, END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE


class _Ole:
    """Just enough of [MS-CFB] to list streams and read one: no dependency, bounded."""

    def __init__(self, data: bytes):
        self.data = data
        if len(data) < 512 or not data.startswith(OLE_MAGIC):
            raise ValueError("not OLE2")
        self.sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
        if self.sector_size not in (512, 4096) or self.mini_size != 64:
            raise ValueError("bad sector size")
        (n_fat, first_dir, _, self.cutoff, first_minifat, n_minifat, first_difat,
         n_difat) = struct.unpack_from("<IIIIIIII", data, 0x2C)  # fmt: skip
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < FREE - 10]
        per = self.sector_size // 4 - 1
        sector, seen = first_difat, 0
        while sector < FREE - 10 and seen <= n_difat:
            entries = struct.unpack_from(f"<{per + 1}I", self._sector(sector))
            fat_sectors += [s for s in entries[:per] if s < FREE - 10]
            sector, seen = entries[per], seen + 1
        self.fat: list[int] = []
        for sector in fat_sectors[: max(n_fat, 1)]:
            self.fat += struct.unpack(f"<{self.sector_size // 4}I", self._sector(sector))
        self.entries = self._directory(first_dir)
        root = self.entries.get("Root Entry")
        self.ministream = self._chain(root[0], root[1]) if root else b""
        minifat = self._chain(first_minifat, n_minifat * self.sector_size) if n_minifat else b""
        self.minifat = list(struct.unpack(f"<{len(minifat) // 4}I", minifat))

    def _sector(self, sector: int) -> bytes:
        start = (sector + 1) * self.sector_size
        if start + self.sector_size > len(self.data):
            raise ValueError("sector outside file")
        return self.data[start : start + self.sector_size]

    def _chain(self, start: int, size: int) -> bytes:
        out, sector, steps = [], start, 0
        while sector < FREE - 10 and steps <= len(self.fat) and len(out) * self.sector_size < size:
            out.append(self._sector(sector))
            sector, steps = self.fat[sector] if sector < len(self.fat) else END_OF_CHAIN, steps + 1
        return b"".join(out)[:size]

    def _directory(self, first: int) -> dict[str, tuple[int, int, int]]:
        raw = self._chain(first, len(self.data))
        entries = {}
        for offset in range(0, len(raw) - 127, 128):
            name_len = struct.unpack_from("<H", raw, offset + 64)[0]
            kind = raw[offset + 66]
            if kind == 0 or not 2 <= name_len <= 64:
                continue
            name = raw[offset : offset + name_len - 2].decode("utf-16-le", "replace")
            start, size = struct.unpack_from("<II", raw, offset + 116)
            entries.setdefault(name, (start, size, kind))
        return entries

    def read(self, name: str) -> bytes:
        start, size, _ = self.entries[name]
        if size >= self.cutoff:
            return self._chain(start, size)
        out, sector, steps = [], start, 0
        while sector < FREE - 10 and steps <= len(self.minifat) and len(out) * 64 < size:
            begin = sector * 64
            out.append(self.ministream[begin : begin + 64])
            sector, steps = (
                self.minifat[sector] if sector < len(self.minifat) else END_OF_CHAIN,
                (steps + 1),
            )
        return b"".join(out)[:size]


def _open_ole(path: Path) -> _Ole:
    try:
        return _Ole(path.read_bytes())
    except (ValueError, struct.error, IndexError, KeyError):
        raise ImportFileError(
            "Tệp Excel 97–2003 (.xls) bị hỏng hoặc không phải bảng tính: mở tệp bằng Excel, "
            "lưu lại rồi tải lên lại."
        ) from None


def _check_ole(path: Path, name: str) -> str:
    ole = _open_ole(path)
    names = set(ole.entries)
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise ImportFileError(_encrypted_message())
    if names & {"_VBA_PROJECT_CUR", "_VBA_PROJECT", "VBA", "Macros"}:
        raise ImportFileError(_macro_message())
    stream = "Workbook" if "Workbook" in names else "Book" if "Book" in names else None
    if stream is None:
        raise ImportFileError(_not_a_spreadsheet(name if name.endswith(".xls") else "tep.xls"))
    _xls_scan(ole, stream, None)  # encryption and macro sheets live in the globals
    return XLS


# BIFF record types (MS-XLS 2.3)
_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _FORMULA, _DIMENSIONS = (
    0x0809, 0x000A, 0x002F, 0x0085, 0x0006, 0x0200,
)  # fmt: skip


def _xls_scan(ole: _Ole, stream: str, sheet: str | None) -> SheetFacts:
    try:
        data = ole.read(stream)
    except (ValueError, struct.error, IndexError, KeyError):
        # An unusual layout this small reader does not follow: calamine will judge it.
        return SheetFacts()
    facts = SheetFacts()
    offsets: dict[int, str] = {}
    current: str | None = None
    position, in_globals, depth = 0, True, 0
    while position + 4 <= len(data):
        kind, length = struct.unpack_from("<HH", data, position)
        body = data[position + 4 : position + 4 + length]
        if kind == _BOF and not in_globals:
            # A sheet's substream, or a chart's nested inside it (its formulas are not cells).
            if position in offsets:
                current, depth = offsets[position], 1
            else:
                depth += 1
        elif kind == _EOF and not in_globals:
            depth -= 1
        elif kind == _FILEPASS and in_globals:
            raise ImportFileError(_encrypted_message())
        elif kind == _BOUNDSHEET and in_globals and len(body) >= 8:
            offset, _, sheet_type, count = struct.unpack_from("<IBBB", body)
            if sheet_type in (1, 6):  # Excel 4 macro sheet, VB module
                raise ImportFileError(_macro_message())
            if stream == "Workbook":
                wide = body[7] & 1
                raw = body[8 : 8 + count * (2 if wide else 1)]
                title = raw.decode("utf-16-le" if wide else "latin-1", "replace")
            else:
                title = body[7 : 7 + count].decode("cp1252", "replace")
            offsets[offset] = title
        elif kind == _EOF and in_globals:
            in_globals = False
            if sheet is None:
                return facts
        elif current is not None and current == sheet and depth == 1:
            if kind == _FORMULA and len(body) >= 4:
                row, col = struct.unpack_from("<HH", body)
                facts.formulas.setdefault(row + 1, set()).add(col)
            elif kind == _DIMENSIONS and len(body) >= 8 and stream == "Workbook":
                facts.last_row = max(facts.last_row, struct.unpack_from("<I", body, 4)[0])
        position += 4 + length
    return facts


def _xls_facts(path: Path, sheet: str) -> SheetFacts:
    ole = _open_ole(path)
    stream = "Workbook" if "Workbook" in ole.entries else "Book"
    return _xls_scan(ole, stream, sheet)
