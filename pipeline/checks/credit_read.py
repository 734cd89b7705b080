"""Reading credit-list exports as districts send them (issue 14, domain-notes §2.5).

CSV in UTF-8 (with or without BOM), GBK/GB18030 or UTF-16 (Excel's 'Unicode text'), or XLSX
with any number of sheets. The header row is found, not assumed: title rows, notes and blank rows
may come first, and a header may span two merged rows. Columns are taken by meaning
(credit_columns.py). Codes are read wherever they are: every cell holding a valid USCC, 组织机构代码
or 15-digit 纳税人识别号 is indexed, whatever its column is called. Note/total rows at the end,
repeated headers and malformed rows are skipped and reported by row number.

Refusals are one-line RunErrors naming the file: a list in which neither a name nor a code column
can be identified, or that yields no record, must never be read as "nobody is listed".
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.checks import credit_columns as CC
from pipeline.checks.credit_codes import CODE_SCAN, cell_text, codes_anywhere, codes_of_cell, parse_date
from pipeline.checks.credit_model import KIND_ALIASES, SEP, CreditList, Skipped, Table
from pipeline.errors import RunError

HEADER_SCAN_ROWS = 50
"""The header must start within this many rows of the top of a sheet."""

# ------------------------------------------------------------------ files → rows


def _refuse(message: str, path: Path) -> RunError:
    return RunError(f"{message}: {path}")


def _decode(data: bytes, path: Path) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _refuse("信用名单 UTF-16 编码有误 / credit list is broken UTF-16", path) from None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise _refuse("信用名单编码无法识别（应为 UTF-8、GBK/GB18030 或 UTF-16）/ credit list encoding not recognised", path)


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit on one side of the byte pairs (text, not binary)."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    n = len(head) // 2
    if n and odd > 0.3 * n and even == 0:
        return "utf-16-le"
    if n and even > 0.3 * n and odd == 0:
        return "utf-16-be"
    return None


def _delimiter(text: str) -> str:
    lines = text[:20000].splitlines()[:30]
    return max((",", "\t", ";", "|"), key=lambda d: max((ln.count(d) for ln in lines), default=0))


def _csv_rows(text: str) -> tuple[str, Iterator[tuple[list[str], str]]]:
    """(separator of the stored row text, iterator of (cells, row text))."""
    delim = _delimiter(text)
    if '"' not in text:  # nothing quoted: a plain split is 5× faster than the csv module
        lines = text.split("\n") if "\n" in text else text.split("\r")
        if lines and lines[-1] == "":
            lines.pop()

        def plain() -> Iterator[tuple[list[str], str]]:
            for line in lines:
                if line.endswith("\r"):
                    line = line[:-1]
                yield (line.split(delim) if line else []), line
        return delim, plain()

    def quoted() -> Iterator[tuple[list[str], str]]:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            yield cells, SEP.join(cells)
    return SEP, quoted()


def _xlsx_sheets(path: Path) -> Iterator[tuple[str, Iterator[tuple[list[str], str]]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException…
        raise _refuse(f"信用名单 XLSX 文件无法打开 / cannot open credit list workbook ({exc.__class__.__name__})", path) from None
    try:
        for ws in wb.worksheets:
            if hasattr(ws, "reset_dimensions"):  # exports often state a wrong sheet size (e.g. A1): read every cell
                ws.reset_dimensions()

            def rows(ws=ws) -> Iterator[tuple[list[str], str]]:
                for r in ws.iter_rows(values_only=True):
                    cells = [cell_text(v) for v in r]
                    while cells and not cells[-1]:
                        cells.pop()
                    yield cells, SEP.join(cells)
            yield ws.title, rows()
    finally:
        wb.close()


def read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _refuse("信用名单文件不存在 / credit list not found", path) from None
    except OSError as exc:
        raise _refuse(f"无法读取信用名单 / cannot read credit list ({exc.strerror})", path) from None
    if not data.strip():
        raise _refuse("信用名单文件为空 / credit list is empty", path)
    return data


PROBE_BYTES = 1 << 20
PROBE_ROWS = 400


def probe_credit_list(path: Path, kind: str | None = None) -> None:
    """The checks load_credit_list refuses on, on the first rows only (PROBE_BYTES of a CSV,
    PROBE_ROWS of each sheet): the CLI refuses an unusable list in one line before the run starts,
    without reading a million-row export twice. Raises RunError like load_credit_list."""
    load_credit_list(path, kind, probe=True)


def _head(data: bytes) -> bytes:
    """The first PROBE_BYTES of a CSV, cut after a line end (UTF-16: after a whole code unit)."""
    if len(data) <= PROBE_BYTES:
        return data
    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]
    cut = data.rfind(b"\n\x00" if utf16 and data[:2] != b"\xfe\xff" else b"\n", 0, PROBE_BYTES)
    return data[:cut + (2 if utf16 and data[:2] != b"\xfe\xff" else 1)] if cut > 0 else data[:PROBE_BYTES]


def load_credit_list(path: Path, kind: str | None = None, *, as_of: dt.date | None = None,
                     probe: bool = False) -> CreditList:
    """Read one export (CSV in UTF-8/UTF-8 BOM/GBK/GB18030/UTF-16, or XLSX, every sheet).

    `kind` ('dishonest_debtor'/'tax_violation' or the Chinese list name) overrides detection.
    Records whose removal date is on or before `as_of` (default today) are not indexed. Raises
    RunError with one line naming the file when it cannot be used at all. `probe`: the first rows
    only (probe_credit_list).
    """
    path = Path(path)
    if kind is not None and kind not in KIND_ALIASES:
        raise RunError(f"未知的名单类型 / unknown credit list kind: {kind!r}（应为 失信被执行人 或 重大税收违法失信主体）")
    data = read_bytes(path)
    truncated = probe and len(data) > PROBE_BYTES and data[:4] != b"PK\x03\x04"
    if truncated:
        data = _head(data)
    digest = hashlib.sha256(data).hexdigest()
    sheets: Iterable[tuple[str | None, str, Iterator[tuple[list[str], str]]]]
    if data[:4] == b"PK\x03\x04":
        limit = PROBE_ROWS if probe else None
        sheets = ((name, SEP, itertools.islice(rows, limit)) for name, rows in _xlsx_sheets(path))
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _refuse("不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV / old .xls not supported, save as .xlsx or CSV", path)
    else:
        if data[:2] not in (b"\xff\xfe", b"\xfe\xff") and b"\x00" in data[:4096]:
            enc = _utf16_without_bom(data[:4096])
            if enc is None:
                raise _refuse("信用名单不是文本 CSV 或 XLSX（疑似二进制文件）/ credit list is neither CSV nor XLSX", path)
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                raise _refuse("信用名单 UTF-16 编码有误 / credit list is broken UTF-16", path) from None
        else:
            text = _decode(data, path)
        del data
        sep, rows = _csv_rows(text)
        del text
        sheets = [(None, sep, rows)]
    cl = CreditList(str(path), digest, KIND_ALIASES[kind] if kind else "", kind_source="指定" if kind else "")
    titles: list[str] = [Path(path).stem]
    for sheet, sep, rows in sheets:
        _read_sheet(cl, sheet, sep, rows, titles, as_of or dt.date.today())
    if not cl.tables:
        why = "；".join(f"{s}：{r}" for s, r in cl.empty_sheets[:3]) if len(cl.empty_sheets) > 1 else ""
        raise _refuse("信用名单中找不到名称列或代码列（如 被执行人姓名/名称、纳税人名称、统一社会信用代码），无法比对"
                      f"{'（' + why + '）' if why else ''} / credit list has no recognisable name or code column", path)
    if not cl.kind:
        header = [h for t in cl.tables for h in t.header]
        found, source = CC.detect_kind(header, titles[1:], titles[0])
        if found is None:
            raise _refuse("无法从表头、标题或文件名判断名单类型，请指定（失信被执行人 / 重大税收违法失信主体）"
                          " / cannot tell the list kind from the headers", path)
        cl.kind, cl.kind_source = found, source
    if len(cl) + cl.removed == 0:
        raise _refuse(f"信用名单没有读到任何记录（表头第{cl.tables[0].header_rows[-1]}行之后为空或均无法识别），"
                      "不能当作“无人在列” / credit list yields no records", path)
    return cl


# ------------------------------------------------------------------ one sheet


def _header_like(cell: str) -> bool:
    """Could be a header cell: short, no year or long number, no company name, not `label：value`
    (制表单位：…) and not a note."""
    t = cell.strip()
    return (bool(t) and len(t) <= 40 and not re.search(r"\d{4}", t) and "有限" not in t and "公司" not in t
            and not re.search(r"[:：]\s*\S", t) and not CC.is_note(t))


def _looks_like_header(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return len(filled) >= 2 and sum(map(_header_like, filled)) >= 0.6 * len(filled)


def _continues_header(top: list[str], bottom: list[str]) -> bool:
    """Is `bottom` the lower row of a two-row (merged) header rather than the first record?"""
    filled = [c for c in bottom if c.strip()]
    if not filled or not all(map(_header_like, filled)) or codes_anywhere(SEP.join(bottom)):
        return False
    width = max(len(top), len(bottom))
    t = top + [""] * (width - len(top))
    b = bottom + [""] * (width - len(bottom))
    shaped = any(bool(t[i].strip()) != bool(b[i].strip()) for i in range(width))
    named = any((CC.classify(c) in ("code", "date", "removal_date", "former_name"))
                or (CC.classify(c) == "name" and ("名称" in c or "姓名" in c)) for c in filled)
    return shaped and named


def _merge_header(top: list[str], bottom: list[str]) -> tuple[list[str], list[str | None]]:
    width = max(len(top), len(bottom))
    t = top + [""] * (width - len(top))
    b = bottom + [""] * (width - len(bottom))
    group = ""
    header, roles = [], []
    for i in range(width):
        if t[i].strip():
            group = t[i].strip()
        elif not b[i].strip():
            group = ""
        upper = t[i].strip() or (group if b[i].strip() else "")
        lower = b[i].strip()
        header.append(f"{upper}-{lower}" if upper and lower else upper or lower)
        roles.append(CC.classify_pair(upper, lower))
    return header, roles


def _find_header(buffer: list[tuple[list[str], str]]):
    """(index of the first header row, rows it spans, header cells, roles) or None. Of the rows that
    could be a header naming a name or code column, the widest wins (earliest on a tie): a title or
    `制表单位` line above, or a record below, fills fewer cells than the real header."""
    best, best_width, after = None, 0, 0
    for i, (cells, _) in enumerate(buffer):
        if not _looks_like_header(cells):
            after += best is not None and any(c.strip() for c in cells)
            if after >= 2:
                break  # records have begun under the header found
            continue
        width = sum(1 for c in cells if c.strip())
        if width <= best_width:
            continue
        nxt = buffer[i + 1][0] if i + 1 < len(buffer) else []
        if nxt and _continues_header(cells, nxt):
            header, roles = _merge_header(cells, nxt)
            if CC.detect_columns(header, roles).usable:
                best, best_width = (i, 2, header, roles), sum(1 for h in header if h)
                continue
        roles = [CC.classify(c) for c in cells]
        if CC.detect_columns(cells, roles).usable:
            best, best_width = (i, 1, [c.strip() for c in cells], roles), width
    return best


def _read_sheet(cl: CreditList, sheet: str | None, sep: str, rows: Iterator[tuple[list[str], str]],
                titles: list[str], as_of: dt.date) -> None:
    buffer: list[tuple[list[str], str]] = []
    for item in rows:
        buffer.append(item)
        if len(buffer) >= HEADER_SCAN_ROWS:
            break
    if sheet:
        titles.append(sheet)
    found = _find_header(buffer)
    label = sheet or "CSV"
    if found is None:
        prev = cl.tables[-1] if cl.tables else None
        filled = [c for c, _ in buffer if any(x.strip() for x in c)]
        if prev is not None and sep == prev.sep and filled and codes_anywhere(SEP.join(filled[0])) \
                and max(len(c) for c in filled) <= len(prev.header):
            # a sheet continuing the previous one (an export split at Excel's row limit)
            table = Table(sheet, prev.header, (), prev.columns, len(cl), sep, continued=True)
            cl.tables.append(table)
            _read_records(cl, table, 1, iter(buffer), rows, as_of)
            return
        titles.extend(" ".join(c for c in cells if c) for cells, _ in buffer[:5])
        if filled:
            cl.empty_sheets.append((label, "未找到可识别的表头（名称列或代码列）"))
        return
    at, span, header, roles = found
    titles.extend(" ".join(c for c in cells if c) for cells, _ in buffer[:at])
    columns = CC.detect_columns(header, roles)
    table = Table(sheet, tuple(header), tuple(range(at + 1, at + span + 1)), columns, len(cl), sep)
    cl.tables.append(table)
    for n, (cells, _) in enumerate(buffer[:at], start=1):
        if any(c.strip() for c in cells):
            cl.skipped.append(Skipped(sheet, n, "表头前的标题或说明行", "note"))
    before = len(cl)
    _read_records(cl, table, at + span + 1, iter(buffer[at + span:]), rows, as_of)
    if len(cl) == before and not cl.removed:
        cl.empty_sheets.append((label, "表头下没有记录"))


def _read_records(cl: CreditList, t: Table, first_row: int, head: Iterator, rows: Iterator,
                  as_of: dt.date) -> None:
    c = t.columns
    width = len(t.header)
    name_i, code_cols, rem_i = c.name, c.codes, c.removal
    alias_cols = [(i, "曾用名列") for i in c.former] + [(i, "另一名称列") for i in c.other_names]
    header_name = t.header[name_i] if name_i is not None else None
    names, usccs, orgs, nums, keep = cl.names, cl.usccs, cl.orgs, cl.row_numbers, cl.rows
    skipped, aliases, extras = cl.skipped, cl.aliases, cl.extra_codes
    sheet = t.sheet
    one = code_cols[0] if len(code_cols) == 1 else None
    for n, (cells, raw) in enumerate(itertools.chain(head, rows), start=first_row):
        m = len(cells)
        if m > width and any(x.strip() for x in cells[width:]):
            skipped.append(Skipped(sheet, n, f"列数 {m} 多于表头 {width} 列", "malformed"))
            continue
        name = cells[name_i].strip() if name_i is not None and name_i < m else ""
        code = org = None
        for i in code_cols:
            if i < m and cells[i]:
                c2, o2 = codes_of_cell(cells[i])
                code, org = code or c2, org or o2
                if "e+" in cells[i] or "E+" in cells[i]:
                    cl.warnings.append((n, f"“{t.header[i]}”被存为数字（{cells[i]}），代码已失真，仅按名称比对"))
        more = []
        runs = CODE_SCAN.findall(raw) if raw else None
        if runs:  # codes in other cells: most rows hold only what the code columns gave
            if len(runs) > 1 or (runs[0] != (cells[one].strip() if one is not None and one < m else None)):
                wide = any(len(r) == 1 for r in runs)
                more = codes_anywhere(unicodedata.normalize("NFKC", raw) if wide else " ".join(runs), (code, org))
        if code is None and org is None and more:
            code, org = more.pop(0)
        if not name and code is None and org is None:
            if not m or not any(x.strip() for x in cells):
                continue  # a blank line is no row at all
            first = next(x for x in cells if x.strip())
            if CC.is_note(first) or sum(1 for x in cells if x.strip()) == 1:
                skipped.append(Skipped(sheet, n, "说明、合计或标题行", "note"))
            else:
                skipped.append(Skipped(sheet, n, "既无名称也无统一社会信用代码/组织机构代码", "malformed"))
            continue
        if code is None and org is None:
            if name == header_name:
                skipped.append(Skipped(sheet, n, "重复的表头行", "header"))
                continue
            first = next(x for x in cells if x.strip())
            if CC.is_note(first):
                skipped.append(Skipped(sheet, n, "说明、合计或标题行", "note"))
                continue
        if rem_i is not None and rem_i < m and cells[rem_i].strip():
            removed_on = parse_date(cells[rem_i])
            if removed_on is not None and removed_on <= as_of:
                cl.removed += 1
                continue
        g = len(names)
        if name and ("名" in name):
            name, former = CC.split_former(name)
            aliases.extend((g, f, "名称中的原名") for f in former)
        for i, where in alias_cols:
            if i < m and cells[i].strip():
                aliases.extend((g, f, where) for f in CC.split_names(cells[i]) if f not in ("无", "-", "/"))
        for u, o in more:
            extras.append((g, u, o))
        names.append(name)
        usccs.append(code)
        orgs.append(org)
        nums.append(n)
        keep.append(raw)
