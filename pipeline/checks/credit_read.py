"""Reading credit-list exports as districts send them (issue 14, domain-notes §2.5).

CSV in UTF-8 (with or without BOM), GBK/GB18030 or UTF-16 (Excel's 'Unicode text'), or XLSX
with any number of sheets. The header row is found, not assumed: title rows, notes and blank rows
may come first, and a header may span two merged rows. Columns are taken by meaning
(credit_columns.py). Codes are read wherever they are: every cell holding a valid USCC, 组织机构代码
or 15-digit 纳税人识别号 is indexed, whatever its column is called. Note/total rows at the end,
repeated headers and malformed rows are skipped and reported by row number. Files to rows:
credit_files.py; finding the header: credit_header.py.

Refusals are one-line RunErrors naming the file: a list in which neither a name nor a code column
can be identified, or that yields no record, must never be read as "nobody is listed".
"""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator

from pipeline.checks import credit_columns as CC
from pipeline.checks.credit_codes import CODE_SCAN, codes_anywhere, codes_of_cell, parse_date
from pipeline.checks.credit_files import csv_rows, decode_text, read_bytes, refuse, utf16_without_bom, xlsx_sheets
from pipeline.checks.credit_header import find_header
from pipeline.checks.credit_model import KIND_ALIASES, SEP, CreditList, Skipped, Table
from pipeline.errors import RunError

HEADER_SCAN_ROWS = 50
"""The header must start within this many rows of the top of a sheet."""

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
        sheets = ((name, SEP, itertools.islice(rows, limit)) for name, rows in xlsx_sheets(path))
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise refuse("不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV / old .xls not supported, save as .xlsx or CSV", path)
    else:
        if data[:2] not in (b"\xff\xfe", b"\xfe\xff") and b"\x00" in data[:4096]:
            enc = utf16_without_bom(data[:4096])
            if enc is None:
                raise refuse("信用名单不是文本 CSV 或 XLSX（疑似二进制文件）/ credit list is neither CSV nor XLSX", path)
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                raise refuse("信用名单 UTF-16 编码有误 / credit list is broken UTF-16", path) from None
        else:
            text = decode_text(data, path)
        del data
        sep, rows = csv_rows(text)
        del text
        sheets = [(None, sep, rows)]
    cl = CreditList(str(path), digest, KIND_ALIASES[kind] if kind else "", kind_source="指定" if kind else "")
    titles: list[str] = [Path(path).stem]
    for sheet, sep, rows in sheets:
        _read_sheet(cl, sheet, sep, rows, titles, as_of or dt.date.today())
    if not cl.tables:
        why = "；".join(f"{s}：{r}" for s, r in cl.empty_sheets[:3]) if len(cl.empty_sheets) > 1 else ""
        raise refuse("信用名单中找不到名称列或代码列（如 被执行人姓名/名称、纳税人名称、统一社会信用代码），无法比对"
                      f"{'（' + why + '）' if why else ''} / credit list has no recognisable name or code column", path)
    if not cl.kind:
        header = [h for t in cl.tables for h in t.header]
        found, source = CC.detect_kind(header, titles[1:], titles[0])
        if found is None:
            raise refuse("无法从表头、标题或文件名判断名单类型，请指定（失信被执行人 / 重大税收违法失信主体）"
                          " / cannot tell the list kind from the headers", path)
        cl.kind, cl.kind_source = found, source
    if len(cl) + cl.removed == 0:
        raise refuse(f"信用名单没有读到任何记录（表头第{cl.tables[0].header_rows[-1]}行之后为空或均无法识别），"
                      "不能当作“无人在列” / credit list yields no records", path)
    return cl


# ------------------------------------------------------------------ one sheet


def _read_sheet(cl: CreditList, sheet: str | None, sep: str, rows: Iterator[tuple[list[str], str]],
                titles: list[str], as_of: dt.date) -> None:
    buffer: list[tuple[list[str], str]] = []
    for item in rows:
        buffer.append(item)
        if len(buffer) >= HEADER_SCAN_ROWS:
            break
    if sheet:
        titles.append(sheet)
    found = find_header(buffer)
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
