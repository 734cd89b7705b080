"""Family 2 bundle: plan (truth without pixels) and write (bundle/, credit/, truth.json).

Same truth format as family 1 (pipeline.samples.generator) with `"family": 2`; rendering, scan
looks, seals, file writers and the credit-list writer are family 1's machinery, called as is.
"""
from __future__ import annotations

import random
from pathlib import Path

from pipeline.samples import generator as G
from pipeline.samples import plan as P
from pipeline.samples import units as U
from pipeline.samples import wording as W
from pipeline.samples.family2 import pages_common as PC
from pipeline.samples.family2 import pages_track as PT
from pipeline.samples.family2 import plan2

FAMILY_VERSION = "2.0"
SCANNED = G.SCANNED
DISHONEST_FILE, TAX_FILE = G.DISHONEST_FILE, G.TAX_FILE


def _looks(app: plan2.App2, pages, rng: random.Random, flip: bool) -> tuple[list, bool]:
    from pipeline.samples.render import pick_look

    looks = []
    for page in pages:
        scanned = app.fmt in SCANNED or (app.fmt == "docx" and not page.native_docx)
        if not scanned:
            looks.append(None)
            continue
        rot = 0
        if flip and app.fmt in SCANNED and page.kind == "commitment":
            rot, flip = 180, False
        dpi = app.dpi if app.fmt != "docx" else min(app.dpi, 200)
        look = pick_look(rng, dpi, rot)
        look.grey = app.style["grey"] or rng.random() < 0.1
        looks.append(look)
    return looks, flip


def _credit(seed: int, apps: list[plan2.App2], n_rows: int):
    """Credit lists from family 1's writer, plus this family's hits: a consortium member listed by
    code in the 失信被执行人 export, an applicant listed by code (纳税人识别号) and a member listed by
    name only in the tax export."""
    from pipeline.samples import credit as CR

    dis, tax, hits = CR.plan_lists(seed, apps, n_rows)
    rng = random.Random(f"family2-credit:{seed}")
    for a in apps:
        if "member_dishonest_hit" in a.defects:
            m = a.members[1]
            dis.insert(rng.randrange(len(dis) + 1), CR.dishonest_row(rng, m.name, m.uscc, org=True, legal_rep=m.legal_rep))
            hits.append({"list": "dishonest_debtor", "application": a.entry, "unit": m.name, "match": "uscc",
                         "listed_name": m.name, "listed_code": m.uscc, "expected": "fail"})
        if "tax_violation_uscc_hit" in a.defects:
            u = a.applicant
            tax.insert(rng.randrange(len(tax) + 1), CR.tax_row(rng, u.name, u.uscc, u.uscc[8:17], u.address, u.legal_rep))
            hits.append({"list": "tax_violation", "application": a.entry, "unit": u.name, "match": "uscc",
                         "listed_name": u.name, "listed_code": u.uscc, "expected": "fail"})
        if "member_tax_name_hit" in a.defects:  # listed by name only, brackets half-width
            m = a.members[-1]
            listed = m.name.replace("（", "(").replace("）", ")")
            tax.insert(rng.randrange(len(tax) + 1), CR.tax_row(rng, listed, "", "", m.address, m.legal_rep))
            hits.append({"list": "tax_violation", "application": a.entry, "unit": m.name, "match": "name",
                         "listed_name": listed, "listed_code": "", "expected": "fail"})
    return dis, tax, hits


def plan_truth(seed: int = 7, n_applications: int = 4, dpi_choices=(200, 300), n_credit_rows: int = 300) -> G.BundlePlan:
    apps = plan2.plan_applications(seed, n_applications, dpi_choices)
    subs: list[G.SubmissionPlan] = []
    flip = True  # one page of the first scanned booklet is fed upside down
    for app in apps:
        rng = random.Random(f"family2-look:{seed}:{app.index}")
        pages = PT.booklet(app)
        looks, flip = _looks(app, pages, rng, flip)
        straddle = None
        if app.straddle and app.fmt in SCANNED and app.applicant.sealed:
            n = rng.choice([3, 4])
            straddle = {"pages": list(range(len(pages) - n, len(pages))), "y": round(rng.uniform(90, 200), 1),
                        "unit": app.applicant.name, "seed": rng.getrandbits(32)}
        subs.append(G.SubmissionPlan(app.entry, app.fmt, "application", pages, looks, app.font, straddle, app))
    rng = random.Random(f"family2-form:{seed}")
    c = plan2.content()
    division = rng.choice(list(c["districts"]))
    district = c["districts"][division]
    authority = U.UnitPlan(name=f"重庆市{district}经济和信息化委员会", uscc=U.make_uscc(rng, "11", division),
                           entity_type="other", type_text="机关", legal_rep="", contact="", phone="", address="")
    form_date = P.DEADLINE + P.dt.timedelta(days=rng.randint(1, 3))
    form_pages = PC.recommendation_form(district, apps, rng, W.write_date(form_date, "cn"), authority)
    form_fmt = "tiff" if seed % 2 else "image_pdf"
    form_entry = f"{len(apps) + 1:03d}-附件4-{district}申报单位推荐表" + (".tiff" if form_fmt == "tiff" else ".pdf")
    look = pick_form_look(rng, dpi_choices)
    subs.append(G.SubmissionPlan(form_entry, form_fmt, "recommendation_form", form_pages, [look] * len(form_pages), "sans"))

    form = {"district": district, "authority": authority.name, "applications": [a.applicant.name for a in apps],
            "declared_on": form_date.isoformat()}
    submissions = G.submission_truths(subs, form, plan2.ORACLE)
    dis, tax, hits = _credit(seed, apps, n_credit_rows)
    truth = {"seed": seed, "family": 2, "generator_version": FAMILY_VERSION, "deadline": P.DEADLINE.isoformat(),
             "submissions": submissions,
             "credit": {"files": [{"path": DISHONEST_FILE, "kind": "dishonest_debtor", "encoding": "gbk",
                                   "rows": len(dis)},
                                  {"path": TAX_FILE, "kind": "tax_violation", "rows": len(tax)}],
                        "planted": hits}}
    return G.BundlePlan(truth, subs, dis, tax)


def pick_form_look(rng: random.Random, dpi_choices):
    from pipeline.samples.render import pick_look

    look = pick_look(rng, rng.choice(list(dpi_choices)))
    look.grey = rng.random() < 0.5
    return look


def generate_bundle(out_dir: Path, *, seed: int = 7, n_applications: int = 4, n_credit_rows: int = 300,
                    dpi_choices=(200, 300)) -> Path:
    """Write a family-2 bundle (bundle/, credit/, truth.json) with family 1's writers."""
    return G.write_plan(out_dir, plan_truth(seed, n_applications, dpi_choices, n_credit_rows))
