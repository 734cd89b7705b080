"""Final outputs from the decisions: OUT/final.xlsx (every application) and OUT/公示名单.docx (those
proposed for approval, with the 公示期 counted in working days on the statutory calendar).

Refuses while checks are open (naming them) unless allow_open; then open applications are listed as
待定 in final.xlsx and left out of the 公示 list. Both files are written atomically.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.checks.workdays import WorkdayResult, public_notice_period
from pipeline.report.atomic import write_bytes_atomic
from pipeline.report.texts import label
from pipeline.workbench.db import Repository
from pipeline.workbench.outputs import load_applications, track_label
from pipeline.workbench.state import AppState, bundle_state

FINAL_XLSX = "final.xlsx"
PUBLICITY_DOCX = "公示名单.docx"
APPLICATION_TRACKS = ("innovation_community", "open_source_community")
"""Tracks that can be approved; the district's 附件4 form is listed in final.xlsx only."""
FINAL_LABEL = {"eligible": "拟通过", "ineligible": "不通过", "open": "待定（有未决事项）"}
MAX_NAMED = 8


class ExportRefused(Exception):
    """One line: why nothing was written."""


@dataclass(frozen=True)
class ExportResult:
    final_xlsx: Path
    publicity_docx: Path
    approved: int
    period: WorkdayResult

    @property
    def message(self) -> str:
        p = self.period
        est = "（部分日期按周一至周五估算）" if p.estimated else ""
        return (f"已导出 {self.final_xlsx.name} 与 {self.publicity_docx.name}：拟通过 {self.approved} 项，"
                f"公示期 {p.days[0].isoformat()} 至 {p.date.isoformat()}{est}")


def _check_name(c) -> str:
    unit = c.item.unit.rstrip("#")
    return (c.item.requirement or c.item.rule) + (f"（{unit}）" if unit else "")


def open_items(states: Sequence[AppState]) -> list[str]:
    out = []
    for s in states:
        for c in s.open_checks:
            out.append(f"{s.app.application_id}：{c.item.rule}{'（' + c.item.unit.rstrip('#') + '）' if c.item.unit else ''}"
                       + ("〔需复核〕" if c.stale else ""))
    return out


def _reasons(s: AppState) -> str:
    lines = []
    for c in s.checks:
        if c.open:
            continue
        d = c.decision
        if c.final_status == "fail":
            lines.append(f"不符合：{_check_name(c)}" + (f"——{d.comment}" if d and d.comment else f"——{c.item.detail}"))
        elif c.overruled:
            lines.append(f"改判为{label('status', c.final_status)}：{_check_name(c)}——{d.comment}")
    return "\n".join(lines)


def _final_xlsx(states: Sequence[AppState]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from pipeline.report.texts import labels

    wb = Workbook()
    ws = wb.active
    ws.title = "审核结果"
    head = ("序号", "申报编号", "申报单位", "申报类型", "系统初审结论", "最终审核结论", "审核人", "审核时间",
            "理由", "未决事项")
    widths = (6, 34, 34, 26, 14, 16, 14, 18, 60, 50)
    ws.append(head)
    for cell, w in zip(ws[1], widths):
        cell.font = Font(bold=True)
        ws.column_dimensions[cell.column_letter].width = w
    fills = labels()["colour"]
    for i, s in enumerate(states, start=1):
        last = s.last_decided
        ws.append([
            i, s.app.application_id, s.app.name, track_label(s.app.track), label("verdict", s.app.verdict),
            FINAL_LABEL[s.final], "、".join(s.reviewers),
            last.strftime("%Y-%m-%d %H:%M") if last else "", _reasons(s),
            "\n".join(_check_name(c) + ("（证据已变化，需复核）" if c.stale else "") for c in s.open_checks),
        ])
        colour = {"eligible": fills["eligible"], "ineligible": fills["ineligible"]}.get(s.final, fills["review"])
        ws.cell(row=i + 1, column=6).fill = PatternFill("solid", fgColor=colour)
        for cell in ws[i + 1]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _publicity_docx(approved: Sequence[AppState], period: WorkdayResult, days: int) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from pipeline.report.docx_format import font_table, style_fonts

    doc = Document()
    style_fonts(doc)
    font_table(doc)
    doc.add_paragraph("重庆市软信领域“揭榜挂帅”拟入选名单公示", style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(
        "根据《关于发布重庆市软信领域创新创业社区和开源社区建设运营“揭榜挂帅”榜单的通知》（渝经信软件〔2026〕9号），"
        "经形式审查，现将拟入选名单予以公示。")
    period_par = doc.add_paragraph(
        f"公示期：{_cn_date(period.days[0])}至{_cn_date(period.date)}（{days}个工作日）。"
        "公示期间如有异议，请以书面形式实名反映。")
    period_par.runs[0].bold = True
    if period.estimated:
        doc.add_paragraph("注：部分日期超出官方节假日数据范围，按周一至周五估算，请以国务院办公厅通知为准。")
    table = doc.add_table(rows=1, cols=4)
    table.style = doc.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, ("序号", "申报单位", "申报类型", "联合体成员")):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for i, s in enumerate(approved, start=1):
        members = "、".join(u.get("name") or "" for u in s.app.review.get("consortium") or [] if u.get("name"))
        row = table.add_row().cells
        for cell, text in zip(row, (str(i), s.app.name, track_label(s.app.track), members or "—")):
            cell.text = text
    if not approved:
        doc.add_paragraph("（无拟入选申报）")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def export(out: Path, repo: Repository, *, publicity_days: int = 5, publicity_start: dt.date | None = None,
           allow_open: bool = False) -> ExportResult:
    out = Path(out)
    if publicity_days < 1:
        raise ExportRefused("公示期至少 1 个工作日")
    apps = load_applications(out)
    if not apps:
        raise ExportRefused(f"{out} 中没有审查表（review.json），请先运行 jiebang run")
    states = bundle_state(apps, repo.history())
    pending = open_items(states)
    if pending and not allow_open:
        named = "；".join(pending[:MAX_NAMED]) + (f" 等 {len(pending)} 项" if len(pending) > MAX_NAMED else "")
        raise ExportRefused(f"仍有 {len(pending)} 项未决，未导出（可加 --allow-open）：{named}")
    period = public_notice_period(publicity_start or dt.date.today(), publicity_days)
    approved = [s for s in states if s.final == "eligible" and s.app.track in APPLICATION_TRACKS]
    x = write_bytes_atomic(out / FINAL_XLSX, _final_xlsx(states))
    d = write_bytes_atomic(out / PUBLICITY_DOCX, _publicity_docx(approved, period, publicity_days))
    return ExportResult(x, d, len(approved), period)
