"""`jiebang review import`: opinions a reviewer typed into review.docx's 审核人意见 column, read back
into the decision database.

A document is accepted only when it is the sheet of an application in OUT *as it stands now*: its
申报编号 names an application there, and its checklist (every column but the opinions) is exactly the
one the current review.json renders. A sheet from another bundle, an older run or one whose checklist
was edited is refused with a one-line reason, so an opinion never lands on a check it was not written for.
"""
from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.workbench.actions import Refused, check_decision
from pipeline.workbench.db import Decision, Repository
from pipeline.workbench.outputs import Application, load_applications
from pipeline.workbench.state import AppState, CheckState, app_state

CHECKLIST_HEAD = ("序号", "审查要求（通知条款）", "核查结果", "证据（文件、页码、原文）", "状态", "审核人意见")
OPINION_COLUMN = CHECKLIST_HEAD.index("审核人意见")


class ImportRefused(Exception):
    """One line: why this document was not read."""


@dataclass
class ImportResult:
    application_id: str
    recorded: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _opinion_words() -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load((Path(__file__).parent / "opinions.yaml").read_text(encoding="utf-8"))
    return {k: tuple(str(w) for w in v) for k, v in data.items()}


def classify(text: str) -> str:
    """'fail' / 'pass' / 'confirm' / 'comment' for an opinion cell's text."""
    t = text.strip()
    for kind in ("fail", "pass", "confirm"):
        if any(t.startswith(w) for w in _opinion_words()[kind]):
            return kind
    return "comment"


def _cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def _sheet(doc) -> tuple[str | None, list[list[str]] | None]:
    """(申报编号, checklist rows without the header) from a review.docx."""
    app_id, rows = None, None
    for table in doc.tables:
        first = [_cell_text(c) for c in table.rows[0].cells] if table.rows else []
        if first and first[0] == "申报编号" and app_id is None:
            app_id = first[1] if len(first) > 1 else None
        if tuple(first) == CHECKLIST_HEAD and rows is None:
            rows = [[_cell_text(c) for c in r.cells] for r in table.rows[1:]]
    return app_id, rows


def _read(path: Path):
    from docx import Document

    try:
        return Document(str(path))
    except Exception as exc:  # not a zip, not a Word document, broken parts
        raise ImportRefused(f"{path.name}：不是可读取的 Word 文档（{type(exc).__name__}）") from exc


def _expected_rows(app: Application) -> list[list[str]]:
    import io

    from docx import Document

    from pipeline.report.docx_sheet import render_review_docx

    data, _ = render_review_docx(app.review, base_dir=app.dir)
    return _sheet(Document(io.BytesIO(data)))[1] or []


def _same_opinion(cs: CheckState, kind: str, status: str | None, comment: str) -> bool:
    last: Decision | None = cs.history[-1] if cs.history else None
    return (last is not None and last.source == "docx" and last.comment == comment
            and last.evidence_hash == cs.item.hash
            and (last.new_status == status if kind != "comment" else last.action == "comment"))


def import_docx(out: Path, repo: Repository, path: Path, *, reviewer: str | None = None) -> ImportResult:
    path = Path(path)
    doc = _read(path)
    app_id, rows = _sheet(doc)
    if not app_id:
        raise ImportRefused(f"{path.name}：不是本系统生成的审查表（找不到申报编号）")
    apps = {a.application_id: a for a in load_applications(out)}
    app = apps.get(app_id)
    if app is None:
        raise ImportRefused(f"{path.name}：申报编号 {app_id} 不在 {out} 中（其他批次的审查表？）")
    if rows is None:
        raise ImportRefused(f"{path.name}：审查表没有逐项审查栏（申报材料无法读取），请在审核工作台中审核")
    expected = _expected_rows(app)
    strip = lambda rs: [r[:OPINION_COLUMN] for r in rs]  # noqa: E731
    if strip(rows) != strip(expected):
        raise ImportRefused(f"{path.name}：审查表内容与当前审查结果不一致（已重新审查或表格被修改），请用最新的 review.docx 填写意见")
    who = reviewer or (doc.core_properties.last_modified_by or "").strip()
    if not who or who == "Jiebang Intake":
        who = getpass.getuser()
    st: AppState = app_state(app, repo.history(app_id))
    result = ImportResult(app_id)
    new = []
    for row, cs in zip(rows, st.checks):
        text = row[OPINION_COLUMN].strip()
        if not text:
            continue
        kind = classify(text)
        status = cs.item.status if kind == "confirm" else (kind if kind in ("pass", "fail") else None)
        if kind in ("pass", "fail"):
            action = "confirm" if kind == cs.item.status else "overrule"
        else:
            action = kind
        if _same_opinion(cs, action, status, text):
            result.unchanged += 1
            continue
        try:
            new.append(check_decision(st, cs, action, reviewer=who, status=status or "", comment=text,
                                      source="docx"))
        except Refused as exc:
            result.warnings.append(f"第{row[0]}项：{exc}")
    result.recorded = repo.add(new) if new else 0
    return result
