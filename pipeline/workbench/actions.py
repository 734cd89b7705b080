"""Turn a reviewer's intent (confirm, overrule, comment, seal reassign/reject) into a decision row,
or a one-line Chinese reason why not. Shared by the web forms and the Word import."""
from __future__ import annotations

from pipeline.workbench.db import NewDecision
from pipeline.workbench.state import AppState, CheckState, SealState

STATUSES = ("pass", "fail")
MAX_COMMENT = 4000


class Refused(ValueError):
    """A decision that cannot be recorded; the message is shown to the reviewer."""


def _reviewer(name: str) -> str:
    name = " ".join((name or "").split())[:200]
    if not name:
        raise Refused("请先填写审核人姓名")
    return name


def check_decision(app: AppState, cs: CheckState, action: str, *, reviewer: str, status: str = "",
                   comment: str = "", source: str = "web") -> NewDecision:
    comment = (comment or "").strip()[:MAX_COMMENT]
    old = cs.final_status if cs.decision is not None and not cs.stale else cs.item.status
    if action == "confirm":
        if cs.item.status not in STATUSES:
            raise Refused("系统结论为“需人工复核”，不能直接确认，请改判为符合或不符合并说明理由")
        new = cs.item.status
    elif action == "overrule":
        if status not in STATUSES:
            raise Refused("改判须选择“符合”或“不符合”")
        if not comment:
            raise Refused("改判须填写理由")
        new = status
    elif action == "comment":
        if not comment:
            raise Refused("意见为空")
        new = None
    else:
        raise Refused(f"未知操作：{action}")
    return NewDecision(app.app.application_id, cs.item.rule, cs.item.unit, cs.item.hash, _reviewer(reviewer),
                       action, old, new, comment, source=source)


def seal_decision(app: AppState, ss: SealState, action: str, *, reviewer: str, unit: str = "",
                  comment: str = "") -> NewDecision:
    comment = (comment or "").strip()[:MAX_COMMENT]
    unit = " ".join((unit or "").split())
    if action == "seal_reassign":
        if unit not in app.app.unit_names():
            raise Refused("只能改为本申报的单位之一")
        value = unit
    elif action == "seal_reject":
        if not comment:
            raise Refused("否定印章须填写理由")
        value = None
    elif action == "seal_confirm":
        value = ss.item.seal.get("matched_unit")
    else:
        raise Refused(f"未知操作：{action}")
    return NewDecision(app.app.application_id, "seal", ss.item.key, ss.item.hash, _reviewer(reviewer), action,
                       None, None, comment, value=value)
