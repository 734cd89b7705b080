"""Writing a sample bundle's credit lists as districts export them: the 失信被执行人 CSV in GBK
(what Excel writes on a Chinese Windows) and the 重大税收违法失信主体 XLSX, each in its planned style
(titles, a real two-row merged header, notes, several sheets). Bytes depend only on content.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from pipeline.samples.credit import DISHONEST_HEADERS, TAX_HEADERS, ListStyle, styles_vocabulary


def _layout(rows: list[list[str]], classic_headers: list[str], style: ListStyle) -> tuple[list[list[str]], list[list[str]]]:
    """(header rows, data rows) in the style's column order and spellings."""
    headers = list(style.headers or classic_headers)
    if style.former_column:
        headers.append(style.former_column)
    width = len(headers)
    name_i, code_i = (1, 5) if style.kind == "dishonest_debtor" else (0, 1)
    order = list(range(width))
    if style.code_first or style.merged:  # a merged group spans name and code: keep them together
        order.remove(code_i)
        order.insert(order.index(name_i) + 1, code_i)
    data = [[(r[j] if j < len(r) else "") for j in order] for r in rows]
    head = [headers[j] for j in order]
    if not style.merged:
        return [head], data
    v = styles_vocabulary()
    top, bottom = list(head), [""] * width
    n, c = order.index(name_i), order.index(code_i)
    top[n], top[c] = v["merged_group"][style.kind], ""
    bottom[n], bottom[c] = v["merged_lower"][style.kind]
    return [top, bottom], data


def _framed(rows: list[list[str]], classic_headers: list[str], style: ListStyle) -> tuple[list[list[str]], int, int]:
    """All rows of one table as written (titles, header rows, data, notes); (rows, header row index, width)."""
    heads, data = _layout(rows, classic_headers, style)
    width = len(heads[0])
    out = [[t] + [""] * (width - 1) for t in style.titles]
    if style.titles:
        out.append([""] * width)
    at = len(out)
    out += heads + data
    for note in style.notes:
        out.append([note.format(n=len(data))] + [""] * (width - 1))
    return out, at, width


def write_dishonest_csv(path: Path, rows: list[list[str]]) -> None:
    """GBK without BOM, CRLF line ends: what Excel's 'CSV (逗号分隔)' writes on a Chinese Windows."""
    style = getattr(rows, "style", None) or ListStyle("dishonest_debtor")
    table, _, _ = _framed(rows, DISHONEST_HEADERS, style)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerows(table)
    path.write_bytes(buf.getvalue().encode("gbk"))


def write_tax_xlsx(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    from pipeline.samples.files import FIXED_TIME, normalise_zip

    style = getattr(rows, "style", None) or ListStyle("tax_violation")
    wb = Workbook()
    ws = wb.active
    if not style.classic:
        _styled_tax_sheets(wb, rows, style)
    else:
        _classic_tax_sheet(ws, rows)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "信用重庆"
    wb.save(path)
    normalise_zip(path)


def _classic_tax_sheet(ws, rows: list[list[str]]) -> None:
    from openpyxl.styles import Font

    ws.title = "重大税收违法失信主体"
    ws.append(TAX_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(r)
    for col in ("B", "C"):  # identifiers as text, never numbers
        for cell in ws[col]:
            cell.number_format = "@"
    for col, width in zip("ABCDEFGHIJKL", (34, 22, 12, 30, 36, 36, 14, 40, 40, 14, 30, 12)):
        ws.column_dimensions[col].width = width


def _styled_tax_sheets(wb, rows: list[list[str]], style: ListStyle) -> None:
    """A district's workbook: optional notes sheet first, the records over one or two sheets, each
    with its titles (merged across), header rows (a real two-row merged header) and notes."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    v = styles_vocabulary()
    first = wb.active
    if style.notes_sheet:
        first.title = v["notes_sheet"]
        first.append(["本表各列含义见表头；“纳税人识别号”一栏可能为统一社会信用代码、组织机构代码或旧版15位纳税人识别号。"])
        first = None
    cut = (len(rows) + 1) // 2 if style.sheets > 1 else len(rows)
    parts = [rows[:cut], rows[cut:]] if style.sheets > 1 else [rows]
    for k, part in enumerate(parts):
        ws = first if (k == 0 and first is not None) else wb.create_sheet()
        ws.title = v["sheet_names"]["tax_violation"][k] if style.sheets > 1 else "重大税收违法失信主体"
        table, at, width = _framed(part, TAX_HEADERS, style)
        for r in table:
            ws.append([c if c != "" else None for c in r])
        for i in range(len(style.titles)):
            ws.merge_cells(start_row=i + 1, start_column=1, end_row=i + 1, end_column=width)
        hr = at + 1
        if style.merged:
            top, bottom = table[at], table[at + 1]
            for c in range(width):
                if top[c] and not bottom[c]:
                    ws.merge_cells(start_row=hr, start_column=c + 1, end_row=hr + 1, end_column=c + 1)
                elif top[c] and c + 1 < width and not top[c + 1] and bottom[c + 1]:
                    ws.merge_cells(start_row=hr, start_column=c + 1, end_row=hr, end_column=c + 2)
        for row in ws.iter_rows(min_row=hr, max_row=hr + (2 if style.merged else 1) - 1):
            for cell in row:
                cell.font = Font(bold=True)
        for row in ws.iter_rows(min_row=hr):
            for cell in row:
                cell.number_format = "@"  # identifiers as text, never numbers
        for c in range(width):
            ws.column_dimensions[get_column_letter(c + 1)].width = 34 if c < 2 else 20
