"""What a line is for decides whether the cascade re-reads it (issue 18, cascade_purpose.py): running prose no
extractor reads a fact from, read confidently by Tesseract, is not worth a RapidOCR crop; a line with a figure,
a label, a name, a role, a seal or lease word, or a short line (a heading, a wrapped cell) is chosen as before.
Pure tests of the rule, and the real cascade over rendered family-2 pages (dev seed 1401 #001: its
commitment, site, plan and lease pages hold both kinds of line)."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pipeline.model import Line, Word
from pipeline.ocr import cascade
from pipeline.ocr.cascade_choice import settings, why_reread

from family2_pages import read_planned_pages

PROSE = "揭榜成功后严格按照揭榜任务书开展建设运营。如有弄虚作假，自愿承担一切后果"


def _line(text: str, conf: float = 0.89, low_word: float = 0.45) -> Line:
    box = (0.1, 0.1, 0.9, 0.12)
    words = (Word(text=text[:-2], bbox=box, confidence=conf), Word(text=text[-2:], bbox=box, confidence=low_word))
    return Line(text=text, bbox=box, confidence=conf, words=words)


def test_confident_prose_is_kept_as_tesseract_read_it():
    assert why_reread(_line(PROSE), 1, settings()) == ()


def test_a_line_carrying_a_fact_is_re_read_however_prose_like():
    cfg = settings()
    for text in ["赁期间为二〇二六年五月一日至二O〇二八年四月三十日。期满后承租人在续租",  # a date in Chinese figures
                 "营社区，三年内形成众创空间孵化器加速器梯次孵化体系并持续优化服务",        # a numeral before 年
                 "网络及消防设施齐全，可为入驻企业（团队）提供拎包入住的办公条件和服务",    # a target word
                 "本协议各方各执一份，自各方加盖公章之日起生效，未尽事宜由各方另行商定",    # parties, a seal
                 "甲方负责社区总体建设运营、申报材料组织和对外联络工作以及日常管理事务",    # a party
                 "主营业务及优势：本单位主要从事软件开发、信息系统集成和数字化转型服务",    # a label
                 "重庆青禾云计算股份有限公可负责社区的技术平台建设与开源项目孵化工作",      # a name, its 司 misread
                 "揭榜成功后严格按照揭榜任务书开展建设运营"]:                            # short: a heading?
        assert "low_confidence" in why_reread(_line(text), 1, cfg), text


def test_prose_tesseract_doubted_is_still_re_read():
    cfg = settings()
    assert why_reread(_line(PROSE, conf=0.80), 1, cfg) == ("low_confidence",)   # line mean under the bar
    assert why_reread(_line(PROSE, low_word=0.1), 1, cfg) == ("low_confidence",)  # a word read as junk
    assert why_reread(_line(PROSE), 3, cfg) == ("low_confidence", "table")        # a table row is never prose


def test_off_switch_restores_the_old_choice():
    cfg = dict(settings(), prose=dict(settings()["prose"], enabled=False))
    assert why_reread(_line(PROSE), 1, cfg) == ("low_confidence",)


_FIGURE = re.compile(r"[0-9〇零○]")


def _facts(expected: dict) -> list[str]:
    """4-character pieces of the names, codes and lease text the application's truth holds."""
    names = [expected["applicant"]["name"], expected["applicant"]["uscc"], expected["site"].get("lease_text", "")]
    names += [m["name"] for m in expected.get("consortium", [])] + [s["text"] for s in expected.get("seals", [])]
    return sorted({n[k:k + 4] for n in names if n for k in range(len(n) - 3)})


def test_on_rendered_pages_prose_is_skipped_and_every_fact_line_still_re_read(tmp_path: Path, monkeypatch):
    seen: list[tuple[Line, tuple]] = []

    def record(line, cells, cfg):
        why = why_reread(line, cells, cfg)
        seen.append((line, why))
        return why

    monkeypatch.setattr(cascade, "why_reread", record)
    sub, doc = read_planned_pages(tmp_path, 1401, 8, 1, ("commitment", "site", "plan", "lease_contract"))
    assert doc.pages and seen
    cfg = settings()
    low = [(ln, why) for ln, why in seen
           if ln.confidence < cfg["line_confidence"] or any(w.confidence < cfg["word_confidence"] for w in ln.words)]
    kept = [ln.text for ln, why in low if not why]
    assert kept, "no confident prose line kept on the commitment / plan pages"
    pieces = _facts(sub.truth["expected"])
    for ln, why in low:
        text = "".join(unicodedata.normalize("NFKC", ln.text).split())
        if _FIGURE.search(text) or any(p in text for p in pieces):
            assert why, f"a line carrying a fact was not re-read: {ln.text}"
