"""A 目录 page's lines are headings, even where the scan lost their leader dots (dev seed 1303 #010,
TIFF): 六、附件：场地租赁合同（产权证明） read as 六、附件：场地租赁合同（产 | （产权证明） — no
dots, and the doubled 产 hid it from the alternatives (租赁合同/产权证明) — gave the site's tenure at
0.43 from the contents page, and site.tenure_proof was a review though the site page says 场地性质为租赁.
Words on a page titled 目录 (labels.yaml toc_titles) are not read as the tenure. Through the real
rendered pages, and pure tests."""
from __future__ import annotations

from family2_pages import planned_facts

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract.layout import Cell, PageLayout, toc_pages
from pipeline.extract.site import extract_site

RULES = load_rules()


def test_tenure_not_from_the_contents_page(tmp_path):
    exp, facts = planned_facts(tmp_path, 1303, 12, 9, ("cover", "toc", "site", "lease_contract"), "tiff")
    assert facts.site.tenure.value == exp["site"]["tenure"] == "leased"
    got = {r.rule: r for r in run_checks(facts, RULES, None)}["site.tenure_proof"]
    assert got.status == "pass", got.detail


def _page(n, *rows):
    return PageLayout("f", n, "ocr", tuple(tuple(Cell(t, t, "f", n, (0.1 + 0.3 * i, 0.1, 0.3 + 0.3 * i, 0.12), 0.95, "ocr")
                                               for i, t in enumerate(r)) for r in rows))


def test_contents_pages_and_the_tenure_they_do_not_give():
    toc = _page(2, ("目", "录"), ("一、申报承诺书",), ("六、附件：场地租赁合同（产",), ("（产权证明）",))
    site = _page(6, ("社区运营场地情况",), ("社区运营场地位于重庆市某路60号，场地性质为自有。",))
    assert toc_pages([toc, site]) == {("f", 2)}
    assert toc_pages([_page(3, ("项目目录管理办法",), ("目录",))]) == {("f", 3)}
    assert toc_pages([_page(3, ("一、申报承诺书",), ("二、基本情况",), ("三、场地",), ("目录",))]) == frozenset()
    assert extract_site([toc, site]).tenure.value == "owned"
    assert extract_site([toc]).tenure.value is None
