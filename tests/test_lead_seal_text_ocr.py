"""Two consortium misreads on dev seed 1471 #003 (a JPEG folder): the cover's seal, stamped beside
联合体牵头单位（盖章）：, had its ring text read as a line (由妇新张字化转理社 at 0.57) and became a second lead
字化转理社 (consortium.size review: 牵头单位有2家); and the member table's lead row lost its name (its code kept),
so the lead taken for the applicant had no name (applicant.name missing, every per-unit check of the applicant
missing). An unsure name beside a role word that no other place names is no member; members one code joins are
joined before the lead is taken."""
from __future__ import annotations

from pathlib import Path

from pipeline.extract import application as X  # where facts_from_layouts finds its extractors
from pipeline.extract import extract_facts, facts_from_layouts
from pipeline.extract.layout import layouts
from pipeline.facts import Evidence, Fact, Unit
from pipeline.model import Document
from pipeline.reading import read_document
from pipeline.samples import generator as G
from pipeline.samples.family2 import bundle as B

from test_extract_meaning import OSS_COVER, page


def test_seal_ring_text_beside_the_lead_label_is_no_member(tmp_path: Path):
    sub = next(s for s in B.plan_truth(1471, 12).submissions if s.kind == "application" and s.app.index == 2)
    assert sub.fmt == "jpeg_folder"
    keep = [i for i, p in enumerate(sub.pages) if p.kind in ("cover", "members")]
    G._render_submission(G.SubmissionPlan("part", sub.fmt, "application", [sub.pages[i] for i in keep],
                                          [sub.looks[i] for i in keep], sub.family), tmp_path)
    docs = [read_document(tmp_path, f"part/{p.name}").document for p in sorted((tmp_path / "part").iterdir())]
    facts = extract_facts(docs)
    got = sorted((m.name.value, m.roles) for m in facts.consortium)
    want = sorted((m["name"], tuple(m["roles"])) for m in sub.truth["expected"]["consortium"])
    assert got == want


def test_nameless_lead_row_joins_its_named_twin_before_the_lead_is_taken(monkeypatch):
    code = "12500119131765003N"
    ev = (Evidence(file="a.pdf", page=3, text="牵头单位", confidence=0.95),)
    nameless = Unit(uscc=Fact(value=code, confidence=1.0), roles=("lead",), role_evidence=ev)
    named = Unit(name=Fact(value="重庆市新桥数字化转型促进中心", confidence=0.95), uscc=Fact(value=code, confidence=0.95),
                 roles=("lead",), role_evidence=ev)
    other = Unit(name=Fact(value="重庆市鹿鸣开源技术协会", confidence=0.95), roles=("code_contributor",), role_evidence=ev)
    monkeypatch.setattr(X, "extract_members", lambda pages: ((nameless, named, other), Fact()))
    doc = Document(file="a.pdf", sha256="0" * 64, kind="pdf", pages=(page(OSS_COVER),), page_count=1)
    facts = facts_from_layouts(layouts([doc]), indicators=X.default_indicators())
    assert facts.applicant.name.value == "重庆市新桥数字化转型促进中心"
    assert [m.roles for m in facts.consortium].count(("lead",)) == 1
