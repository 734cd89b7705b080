"""Bundle summary: summary.xlsx for staff (one row per submission, filterable, coloured by
verdict) and summary.json with the same content for tools; the district recommendation form's
findings (附件4) are bundle-level, on a second sheet and under a top-level key; what each credit
list gave (kind, rows read and skipped, the columns taken as name/code/dates) on a third sheet and
under `credit_lists`, so a list read wrongly is seen, not trusted (issue 14).
"""
from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from pipeline.report.atomic import write_bytes_atomic, write_text_atomic
from pipeline.report.ooxml import fixed_datetime, normalise_zip
from pipeline.report.texts import label, labels

SUMMARY_XLSX = "summary.xlsx"
SUMMARY_JSON = "summary.json"
SUMMARY_SCHEMA_VERSION = "1.0"

# (json key, Chinese header, column width in characters)
COLUMNS = (
    ("application_id", "申报编号", 30),
    ("entry", "申报材料", 28),
    ("track", "申报类型", 22),
    ("applicant", "申报单位", 34),
    ("uscc", "统一社会信用代码", 22),
    ("verdict", "审查结论", 13),
    ("failed_rules", "不符合项", 30),
    ("review_rules", "需人工复核项", 30),
    ("pages", "页数", 7),
    ("errors", "处理问题", 40),
)
FINDING_COLUMNS = (
    ("rule", "规则", 24),
    ("unit", "区县 / 单位", 24),
    ("status", "状态", 12),
    ("detail", "说明", 50),
    ("evidence", "证据", 44),
)


CREDIT_COLUMNS = (
    ("file", "信用名单文件", 28),
    ("kind", "名单类型", 20),
    ("records", "记录数", 9),
    ("removed", "已撤出不计", 10),
    ("rows_read", "读取行数", 9),
    ("skipped", "跳过的行（行号：原因）", 40),
    ("tables", "工作表 / 表头行", 22),
    ("name", "名称列", 24),
    ("codes", "代码列（另：任何单元格中的有效代码均参与比对）", 30),
    ("former", "曾用名列", 18),
    ("dates", "日期列 / 撤出日期列", 24),
    ("summary", "读取说明", 60),
)


def credit_row(rep: Mapping[str, Any]) -> dict:
    """The credit sheet's row for one list's load report (CreditList.report())."""
    tables = rep.get("tables") or []

    def cols(key: str) -> str:
        seen = []
        for t in tables:
            v = t["columns"].get(key)
            for x in (v if isinstance(v, list) else [v]):
                if x and x not in seen:
                    seen.append(x)
        return "，".join(seen)

    skipped = [f"{(s['sheet'] + ' ') if s.get('sheet') else ''}第{s['row']}行：{s['reason']}" for s in rep.get("skipped", [])]
    rest = max(rep.get("skipped_rows", 0), len(skipped)) - min(30, len(skipped))
    return {
        "file": rep.get("file", ""),
        "kind": rep.get("kind_zh") or rep.get("kind", ""),
        "records": rep.get("records", 0),
        "removed": rep.get("removed", 0),
        "rows_read": rep.get("rows_read", 0),
        "skipped": "\n".join(skipped[:30]) + (f"\n……另 {rest} 行" if rest > 0 else ""),
        "tables": "；".join(f"{(t['sheet'] + '：') if t.get('sheet') else ''}"
                           + ("续表" if t.get("continued") else "表头第" + "、".join(map(str, t.get("header_rows", []))) + "行")
                           for t in tables),
        "name": cols("name") or "（未识别，仅按代码比对）",
        "codes": cols("codes") or "（无代码列）",
        "former": "，".join(x for x in (cols("former_names"), cols("other_names")) if x),
        "dates": " / ".join(x for x in (cols("date"), cols("removal_date")) if x),
        "summary": rep.get("summary", ""),
    }


def _unique(seq: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(seq))


def submission_row(review: Mapping[str, Any]) -> dict:
    """The summary's row for one review.json dict."""
    checks = review.get("checks", [])
    return {
        "application_id": review["application_id"],
        "entry": review.get("entry", ""),
        "track": review.get("track"),
        "applicant": review.get("applicant", {}).get("name"),
        "uscc": review.get("applicant", {}).get("uscc"),
        "verdict": review["verdict"],
        "failed_rules": _unique([c["rule"] for c in checks if c["status"] == "fail"]),
        "review_rules": _unique([c["rule"] for c in checks if c["status"] == "review"]),
        "pages": review.get("source", {}).get("pages", 0),
        "errors": [e["message"] if isinstance(e, Mapping) else str(e) for e in review.get("errors", [])],
    }


def _finding(f: Any) -> dict:
    """A bundle-level finding (a CheckResult or its dict) as plain JSON."""
    if hasattr(f, "model_dump"):
        f = f.model_dump(mode="json")
    evidence = [
        {"file": e.get("file"), "page": e.get("page"), "bbox": list(e["bbox"]) if e.get("bbox") else None,
         "text": e.get("text", "")}
        for e in f.get("evidence", ())
    ]
    return {
        "rule": f.get("rule", ""),
        "unit": f.get("unit"),
        "status": f.get("status", "review"),
        "detail": f.get("detail", ""),
        "clause": f.get("clause") or None,
        "evidence": evidence,
    }


def build_summary(reviews: Sequence[Mapping[str, Any]], bundle_findings: Sequence[Any],
                  run_date: str | None = None, credit_lists: Sequence[Mapping[str, Any]] = ()) -> dict:
    rows = sorted((submission_row(r) for r in reviews), key=lambda r: (r["entry"], r["application_id"]))
    if run_date is None:
        dates = {r.get("run_date") for r in reviews} - {None}
        run_date = dates.pop() if len(dates) == 1 else None
    counts = {v: sum(1 for r in rows if r["verdict"] == v) for v in ("eligible", "ineligible", "needs_review")}
    return {
        "schema_version": SUMMARY_SCHEMA_VERSION,
        "run_date": run_date,
        "counts": counts,
        "submissions": rows,
        "bundle": {"findings": [_finding(f) for f in bundle_findings]},
        "credit_lists": [dict(r) for r in credit_lists],
    }


def _cell_text(key: str, value: Any) -> Any:
    if key == "track":
        return label("track", value, "未能识别")
    if key == "verdict":
        return label("verdict", value)
    if key == "status":
        return label("status", value)
    if key == "evidence":
        return "；".join(
            f"{e['file']} 第{e['page']}页" + (f"：{e['text']}" if e["text"] else "") if e["page"] else e["file"]
            for e in value)
    if isinstance(value, list):
        return "\n".join(value) if key == "errors" else "，".join(value)
    return value


def _sheet(ws, columns, rows: Sequence[Mapping[str, Any]], fill_key: str) -> None:
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="D9D9D9")
    fills = {k: PatternFill("solid", fgColor=v) for k, v in labels()["colour"].items()}
    ws.append([title for _, title, _ in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True, name="SimSun")
        cell.fill = head_fill
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append([_cell_text(key, row[key]) for key, _, _ in columns])
        fill = fills.get(row[fill_key])
        for cell in ws[ws.max_row]:
            cell.border = border
            cell.font = Font(name="SimSun")
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if fill is not None:
                cell.fill = fill
    for i, (_, _, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 1)}"
    ws.row_dimensions[1].height = 22


def render_summary_xlsx(summary: Mapping[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "申报汇总"
    _sheet(ws, COLUMNS, summary["submissions"], "verdict")
    _sheet(wb.create_sheet("区县推荐表"), FINDING_COLUMNS, summary["bundle"]["findings"], "status")
    reports = summary.get("credit_lists") or []
    rows = [credit_row(r) for r in reports] or [
        {**{k: "" for k, _, _ in CREDIT_COLUMNS}, "summary": "未提供信用名单：信用核查项均需人工查询"}]
    _sheet(wb.create_sheet("信用名单"), CREDIT_COLUMNS, rows, "file")
    when = fixed_datetime(summary.get("run_date")).replace(tzinfo=None)
    props = wb.properties
    props.creator = props.lastModifiedBy = "Jiebang Intake"
    props.title = "揭榜挂帅申报材料汇总"
    props.created = props.modified = when
    buf = io.BytesIO()
    from zipfile import ZIP_DEFLATED, ZipFile

    with ZipFile(buf, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not openpyxl.save_workbook: it stamps 'modified' with now
    return normalise_zip(buf.getvalue(), when)


def write_summary(out_dir: Path, reviews: Sequence[Mapping[str, Any]], bundle_findings: Sequence[Any],
                  *, run_date: str | None = None, credit_lists: Sequence[Mapping[str, Any]] = ()) -> tuple[Path, Path]:
    """Write OUT/summary.xlsx and OUT/summary.json atomically; returns (xlsx, json) paths."""
    out_dir = Path(out_dir)
    summary = build_summary(reviews, bundle_findings, run_date, credit_lists)
    xlsx = write_bytes_atomic(out_dir / SUMMARY_XLSX, render_summary_xlsx(summary))
    js = write_text_atomic(out_dir / SUMMARY_JSON,
                           json.dumps(summary, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
    return xlsx, js
