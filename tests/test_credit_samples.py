"""The sample generator's credit exports (GBK CSV + XLSX) read and matched as the samples' truth expects."""
from __future__ import annotations

import datetime as dt

import pytest

from pipeline.checks import engine as E
from pipeline.checks.credit import CreditIndex, load_credit_list
from pipeline.checks.rules import load_rules
from pipeline.facts import Evidence, Fact, Unit
from pipeline.samples import credit as C
from pipeline.samples import credit_write as CW
from pipeline.samples import generator as G
from pipeline.samples import plan as P
from pipeline.samples import units as U


def _unit(u: U.UnitPlan) -> Unit:
    ev = (Evidence(file="x.pdf", page=1, confidence=0.95),)
    return Unit(name=Fact(value=u.name, evidence=ev, confidence=0.95), uscc=Fact(value=u.uscc, evidence=ev, confidence=0.95))


def test_sample_credit_lists_give_the_expected_credit_checks(tmp_path):
    rules = load_rules()
    apps = P.plan_applications(11, 12)
    dis, tax, hits = C.plan_lists(11, apps, 400)
    assert {h["match"] for h in hits} == {"uscc", "name", "near_miss"}  # the planted cases are all present
    CW.write_dishonest_csv(tmp_path / G.DISHONEST_FILE, dis)
    CW.write_tax_xlsx(tmp_path / G.TAX_FILE, tax)
    lists = [load_credit_list(tmp_path / G.DISHONEST_FILE), load_credit_list(tmp_path / G.TAX_FILE, as_of=dt.date(2026, 11, 1))]
    assert [cl.kind for cl in lists] == ["dishonest_debtor", "tax_violation"]
    assert [len(cl) for cl in lists] == [len(dis), len(tax)] and not any(cl.malformed for cl in lists)
    index = CreditIndex.build(lists, rules.thresholds.fuzzy_name)
    compared = _check_all(apps, index, rules)
    assert compared >= 24


def _check_all(apps, index, rules) -> int:
    compared = 0
    for app in apps:
        units = app.members if app.track == "open_source_community" else [app.applicant]
        expected = {(c["rule"], c["unit"]): c for c in P.expected_checks(app) if c["rule"].startswith("credit.")}
        for u in units:
            for rule, kind in (("credit.dishonest_debtor", "dishonest_debtor"), ("credit.tax_violation", "tax_violation")):
                got = E.check_credit(rule, kind, _unit(u), u.name, rules, index)
                want = expected[(rule, u.name)]
                assert got.status == want["status"] or got.status in want.get(P.ACCEPT_ALSO, ()), (app.entry, rule, got.detail)
                compared += 1
    return compared


@pytest.mark.parametrize("seed", [1, 2, 5, 6, 42])
def test_district_styles_read_back_with_the_truths_statuses(tmp_path, seed):
    """Each seed's district style (title rows, merged headers, 曾用名, mixed codes, notes, sheets):
    every record read, notes skipped, every credit check as the truth expects (6 applications)."""
    rules = load_rules()
    apps = P.plan_applications(seed, 6)
    dis, tax, hits = C.plan_lists(seed, apps, 200)
    assert not (dis.style.classic and tax.style.classic)
    CW.write_dishonest_csv(tmp_path / G.DISHONEST_FILE, dis)
    CW.write_tax_xlsx(tmp_path / G.TAX_FILE, tax)
    lists = [load_credit_list(tmp_path / G.DISHONEST_FILE), load_credit_list(tmp_path / G.TAX_FILE, as_of=dt.date(2026, 11, 1))]
    assert [cl.kind for cl in lists] == ["dishonest_debtor", "tax_violation"]
    assert [len(cl) for cl in lists] == [len(dis), len(tax)] and not any(cl.malformed for cl in lists)
    for cl, style in zip(lists, (dis.style, tax.style)):
        assert len([s for s in cl.skipped if s.kind == "note"]) >= len(style.titles) * style.sheets + len(style.notes)
        assert all(len(t.header_rows) == (2 if style.merged else 1) for t in cl.tables)
    raw = (tmp_path / G.DISHONEST_FILE).read_bytes().decode("gbk")
    for h in hits:  # the truth says what the list shows
        if h["list"] == "dishonest_debtor":
            assert h["listed_name"] in raw and h["listed_code"] in raw
    assert _check_all(apps, CreditIndex.build(lists, rules.thresholds.fuzzy_name), rules) >= 12


def test_styles_cover_every_district_feature_over_a_few_seeds():
    styles = [s for seed in range(40) for s in C.choose_styles(seed)]
    assert any(s.classic for s in styles) and sum(not s.classic for s in styles) >= 50
    for feature in ("titles", "merged", "headers", "former_column", "mixed_codes", "notes", "notes_sheet"):
        assert any(getattr(s, feature) for s in styles), feature
    assert any(s.sheets == 2 for s in styles)
    assert {s.hit_form for s in styles} >= {"classic", "org_code", "former_name", "former_in_cell", "former_column"}
    assert C.choose_styles(7) == (C.ListStyle("dishonest_debtor"), C.ListStyle("tax_violation"))  # the demo's seed
