"""Decision storage, reruns, the Word round-trip and the export — the same tests on SQLite and on a
real PostgreSQL server, over a real pipeline output (the demo bundle, reviewed once per session)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import chinese_calendar
import pytest
from docx import Document
from openpyxl import load_workbook

from pipeline.workbench.actions import Refused, check_decision, seal_decision
from pipeline.workbench.db import Repository
from pipeline.workbench.docx_import import ImportRefused, OPINION_COLUMN, classify, import_docx
from pipeline.workbench.export import ExportRefused, export
from pipeline.workbench.outputs import load_applications
from pipeline.workbench.state import app_state, bundle_state
from workbench_support import postgres, reset_postgres, workspace


@pytest.fixture(scope="module")
def pg_url():
    with postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def repo_out(request, tmp_path):
    """(Repository, OUT) on a fresh copy of the reviewed demo; the DB is SQLite in OUT or PostgreSQL."""
    _, out = workspace(tmp_path)
    url = None
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        reset_postgres(url)
    repo = Repository.open(out, url)
    yield repo, out, url
    repo.close()


def _app(out: Path, prefix: str):
    return next(a for a in load_applications(out) if a.application_id.startswith(prefix))


def _state(repo, out, prefix):
    app = _app(out, prefix)
    return app_state(app, repo.history(app.application_id))


def _check(st, rule):
    return next(c for c in st.checks if c.item.rule == rule)


def test_decisions_are_appended_and_the_latest_counts(repo_out):
    repo, out, url = repo_out
    st = _state(repo, out, "01_")
    lease = _check(st, "site.lease_term")
    assert lease.item.status == "fail" and lease.open
    repo.add([check_decision(st, lease, "confirm", reviewer="张三")])
    repo.add([check_decision(_state(repo, out, "01_"), lease, "overrule", reviewer="李四", status="pass",
                             comment="租赁合同附页续租条款，租期实为3年")])
    repo.add([check_decision(_state(repo, out, "01_"), lease, "comment", reviewer="王五", comment="已电话核实")])
    st = _state(repo, out, "01_")
    lease = _check(st, "site.lease_term")
    assert [d.action for d in lease.history] == ["confirm", "overrule", "comment"]
    assert lease.decision.reviewer == "李四" and lease.final_status == "pass" and lease.overruled
    assert lease.history[1].old_status == "fail" and lease.history[1].new_status == "pass"
    assert not lease.open and [c.comment for c in lease.comments] == ["已电话核实"]
    rows = repo.history()
    assert len(rows) == 3 and all(r.evidence_hash == lease.item.hash for r in rows)
    # reopening (migrations run again) keeps every row
    Repository.open(out, url).close()
    assert len(repo.history()) == 3
    if url is None:
        assert (out / "decisions.sqlite").is_file()


def test_refusals(repo_out):
    repo, out, _ = repo_out
    st = _state(repo, out, "01_")
    lease = _check(st, "site.lease_term")
    with pytest.raises(Refused, match="理由"):
        check_decision(st, lease, "overrule", reviewer="张三", status="pass", comment="  ")
    with pytest.raises(Refused, match="审核人"):
        check_decision(st, lease, "confirm", reviewer=" ")
    review_items = [c for a in load_applications(out) for c in app_state(a, []).checks if c.item.status == "review"]
    if review_items:
        with pytest.raises(Refused, match="需人工复核"):
            check_decision(st, review_items[0], "confirm", reviewer="张三")
    seal = st.seals[0]
    with pytest.raises(Refused):
        seal_decision(st, seal, "seal_reassign", reviewer="张三", unit="别的公司")
    repo.add([seal_decision(st, seal, "seal_reassign", reviewer="张三", unit=st.app.unit_names()[0])])
    st = _state(repo, out, "01_")
    assert st.seals[0].unit == st.app.unit_names()[0] != st.seals[0].item.seal["matched_unit"]
    repo.add([seal_decision(st, st.seals[0], "seal_reject", reviewer="张三", comment="非本单位公章")])
    assert _state(repo, out, "01_").seals[0].unit is None


def test_changed_evidence_marks_the_decision_stale(repo_out):
    repo, out, _ = repo_out
    st = _state(repo, out, "01_")
    lease, uscc = _check(st, "site.lease_term"), _check(st, "entity.uscc_valid")
    repo.add([check_decision(st, lease, "overrule", reviewer="张三", status="pass", comment="租期实为3年"),
              check_decision(st, uscc, "confirm", reviewer="张三")])
    # a rerun that reads the lease differently: same rule and unit, other evidence
    path = st.app.dir / "review.json"
    review = json.loads(path.read_text(encoding="utf-8"))
    c = next(c for c in review["checks"] if c["rule"] == "site.lease_term")
    c["detail"] = c["detail"] + "（重新识别）"
    path.write_text(json.dumps(review, ensure_ascii=False), encoding="utf-8")
    st = _state(repo, out, "01_")
    lease, uscc = _check(st, "site.lease_term"), _check(st, "entity.uscc_valid")
    assert lease.stale and lease.open and lease.decision.new_status == "pass"  # old decision still shown
    assert lease.final_status == "fail"  # the automatic status until someone decides again
    assert not uscc.stale and not uscc.open and uscc.final_status == "pass"


def _fill_opinions(src: Path, dest: Path, opinions: dict[int, str]) -> Path:
    doc = Document(str(src))
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "审核人意见")
    for row_no, text in opinions.items():
        table.rows[row_no].cells[OPINION_COLUMN].paragraphs[0].add_run(text)
    doc.core_properties.last_modified_by = "赵审核"
    doc.save(str(dest))
    return dest


def test_word_opinions_round_trip(repo_out, tmp_path):
    repo, out, _ = repo_out
    app = _app(out, "01_")
    rows = {c.item.rule: i + 1 for i, c in enumerate(app_state(app, []).checks)}
    filled = _fill_opinions(app.dir / "review.docx", tmp_path / "filled.docx", {
        rows["entity.uscc_valid"]: "确认",
        rows["site.lease_term"]: "改判符合：租赁合同附页续租，租期3年",
        rows["plan.complete"]: "材料齐全，但管理制度较简略",
    })
    r = import_docx(out, repo, filled)
    assert r.application_id == app.application_id and r.recorded == 3 and not r.warnings
    st = _state(repo, out, "01_")
    lease = _check(st, "site.lease_term")
    assert lease.final_status == "pass" and lease.decision.source == "docx" and lease.decision.reviewer == "赵审核"
    assert _check(st, "entity.uscc_valid").final_status == "pass" and not _check(st, "entity.uscc_valid").open
    plan = _check(st, "plan.complete")
    assert plan.open and plan.comments[0].comment.startswith("材料齐全")
    assert import_docx(out, repo, filled).recorded == 0  # the same document twice records nothing new

    # a sheet whose checklist was edited is refused
    doc = Document(str(filled))
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "审核人意见")
    table.rows[1].cells[2].paragraphs[0].add_run("（改）")
    doc.save(str(tmp_path / "edited.docx"))
    with pytest.raises(ImportRefused, match="不一致"):
        import_docx(out, repo, tmp_path / "edited.docx")
    # a sheet from another bundle (an application id not in OUT) is refused
    doc = Document(str(filled))
    doc.tables[0].rows[0].cells[1].paragraphs[0].runs[0].text = "99_其他批次-0000000000"
    doc.save(str(tmp_path / "foreign.docx"))
    with pytest.raises(ImportRefused, match="不在"):
        import_docx(out, repo, tmp_path / "foreign.docx")
    (tmp_path / "junk.docx").write_bytes(b"not a zip")
    with pytest.raises(ImportRefused, match="不是可读取"):
        import_docx(out, repo, tmp_path / "junk.docx")
    assert len(repo.history()) == 3


def test_opinion_words_come_from_data():
    assert classify("不符合，租期不足") == "fail"
    assert classify("改判符合") == "pass"
    assert classify("√") == "confirm"
    assert classify("请补充营业执照") == "comment"


def _decide_all(repo, out, prefix: str, reviewer="张三"):
    st = _state(repo, out, prefix)
    rows = []
    for c in st.checks:
        if c.item.status in ("pass", "fail"):
            rows.append(check_decision(st, c, "confirm", reviewer=reviewer))
        else:
            rows.append(check_decision(st, c, "overrule", reviewer=reviewer, status="pass", comment="核对原件无误"))
    repo.add(rows)


def test_export_refuses_while_open_then_writes_both_files(repo_out):
    repo, out, _ = repo_out
    with pytest.raises(ExportRefused) as exc:
        export(out, repo, publicity_start=dt.date(2026, 9, 28))
    first = load_applications(out)[0].application_id
    assert "未决" in str(exc.value) and first in str(exc.value) and "\n" not in str(exc.value)
    assert not (out / "final.xlsx").exists()

    for a in load_applications(out):
        _decide_all(repo, out, a.application_id)
    states = bundle_state(load_applications(out), repo.history())
    assert all(s.decided for s in states)
    result = export(out, repo, publicity_days=5, publicity_start=dt.date(2026, 9, 28))

    ws = load_workbook(out / "final.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "申报编号", "申报单位", "申报类型", "系统初审结论", "最终审核结论")
    assert len(rows) - 1 == len(states)
    by_id = {r[1]: r for r in rows[1:]}
    for s in states:
        assert by_id[s.app.application_id][5] == {"eligible": "拟通过", "ineligible": "不通过"}[s.final]
        assert by_id[s.app.application_id][6] == "张三"
    approved = [s for s in states if s.final == "eligible" and s.app.track != "recommendation_form"]
    assert result.approved == len(approved) > 0

    text = "\n".join(p.text for p in Document(str(out / "公示名单.docx")).paragraphs)
    # 5 working days from Monday 2026-09-28 (counted) on the statutory calendar: 10-1..10-7 国庆 off
    days = [d for d in chinese_calendar.get_workdays(dt.date(2026, 9, 28), dt.date(2026, 10, 31))][:5]
    assert days == [dt.date(2026, 9, 28), dt.date(2026, 9, 29), dt.date(2026, 9, 30), dt.date(2026, 10, 8),
                    dt.date(2026, 10, 9)]
    assert result.period.date == days[-1] and list(result.period.days) == days
    assert "公示期：2026年9月28日至2026年10月9日（5个工作日）" in text
    table = Document(str(out / "公示名单.docx")).tables[0]
    assert [r.cells[1].text for r in table.rows[1:]] == [s.app.name for s in approved]


def test_migrations_match_the_model(repo_out):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from pipeline.workbench.db import Base

    repo, _, _ = repo_out
    with repo.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_import_command_reads_a_filled_sheet_and_refuses_a_foreign_one(tmp_path):
    import subprocess
    import sys

    from workbench_support import ROOT, env

    _, out = workspace(tmp_path)
    app = _app(out, "01_")
    rows = {c.item.rule: i + 1 for i, c in enumerate(app_state(app, []).checks)}
    filled = _fill_opinions(app.dir / "review.docx", tmp_path / "filled.docx",
                            {rows["site.lease_term"]: "不符合，租期2年不足3年"})
    doc = Document(str(filled))
    doc.tables[0].rows[0].cells[1].paragraphs[0].runs[0].text = "99_其他批次-0000000000"
    doc.save(str(tmp_path / "foreign.docx"))
    cmd = [sys.executable, "-m", "pipeline.cli", "review", "import", str(out), str(filled),
           str(tmp_path / "foreign.docx")]
    p = subprocess.run(cmd, env=env(), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 1, p.stderr
    assert "记录 1 条意见" in p.stdout
    refusal = [line for line in p.stderr.splitlines() if "foreign.docx" in line]
    assert len(refusal) == 1 and "99_其他批次" in refusal[0] and "Traceback" not in p.stderr
    repo = Repository.open(out)
    lease = _check(app_state(app, repo.history(app.application_id)), "site.lease_term")
    assert lease.decision.action == "confirm" and lease.decision.reviewer == "赵审核" and not lease.open
    repo.close()
