"""The sample generator's credit exports (GBK CSV + XLSX) read and matched as the samples' truth expects."""
from __future__ import annotations

import datetime as dt

from pipeline.checks import engine as E
from pipeline.checks.credit import CreditIndex, load_credit_list
from pipeline.checks.rules import load_rules
from pipeline.facts import Evidence, Fact, Unit
from pipeline.samples import credit as C
from pipeline.samples import generator as G
from pipeline.samples import plan as P


def _unit(u: P.UnitPlan) -> Unit:
    ev = (Evidence(file="x.pdf", page=1, confidence=0.95),)
    return Unit(name=Fact(value=u.name, evidence=ev, confidence=0.95), uscc=Fact(value=u.uscc, evidence=ev, confidence=0.95))


def test_sample_credit_lists_give_the_expected_credit_checks(tmp_path):
    rules = load_rules()
    apps = P.plan_applications(11, 12)
    dis, tax, hits = C.plan_lists(11, apps, 400)
    assert {h["match"] for h in hits} == {"uscc", "name", "near_miss"}  # the planted cases are all present
    C.write_dishonest_csv(tmp_path / G.DISHONEST_FILE, dis)
    C.write_tax_xlsx(tmp_path / G.TAX_FILE, tax)
    lists = [load_credit_list(tmp_path / G.DISHONEST_FILE), load_credit_list(tmp_path / G.TAX_FILE, as_of=dt.date(2026, 11, 1))]
    assert [cl.kind for cl in lists] == ["dishonest_debtor", "tax_violation"]
    assert [len(cl) for cl in lists] == [len(dis), len(tax)] and not any(cl.malformed for cl in lists)
    index = CreditIndex.build(lists, rules.thresholds.fuzzy_name)
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
    assert compared >= 24
