"""Generate a district bundle (SPEC §2) with credit-list exports and its ground truth, from a seed.

    generate_bundle(out_dir, seed=7) → out_dir/bundle/, out_dir/credit/, out_dir/truth.json

`plan_truth` computes the whole truth (including seal boxes and page facts) without drawing a
pixel; `generate_bundle` then renders exactly that plan. Same seed → byte-identical truth.json.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.samples import layout as L
from pipeline.samples import plan as P
from pipeline.samples import units as U
from pipeline.samples import wording as W
from pipeline.samples.page_geometry import frac, seal_bbox_mm, skew_box
from pipeline.samples.typeset import A4_W, PageLayout

GENERATOR_VERSION = "1.1"  # 1.1: the 附件4 form runs on to a 续表 page instead of off the paper
SCANNED = ("tiff", "jpeg_folder", "image_pdf")
PAGE_FORMAT = {"tiff": "tiff", "jpeg_folder": "jpeg", "image_pdf": "image_pdf", "text_pdf": "text_pdf", "docx": "docx"}


@dataclass
class SubmissionPlan:
    entry: str
    fmt: str
    kind: str
    pages: list[PageLayout]
    looks: list  # render.ScanLook | None per page (None = vector / native DOCX page)
    family: str
    straddle: dict | None = None  # {"pages": [i...], "y": mm, "unit": name, "seed": int}
    app: P.AppPlan | None = None
    truth: dict = field(default_factory=dict)


def _files(entry: str, fmt: str, n_pages: int) -> list[str]:
    if fmt == "jpeg_folder":
        return [f"{entry}/page_{i + 1:02d}.jpg" for i in range(n_pages)]
    return [entry]


def _where(entry: str, fmt: str, i: int) -> tuple[str, int]:
    """(bundle-relative file, 1-based page in that file) of page index i."""
    if fmt == "jpeg_folder":
        return f"{entry}/page_{i + 1:02d}.jpg", 1
    return entry, i + 1


def _seal_truth(sub: SubmissionPlan) -> list[dict]:
    out = []
    for i, page in enumerate(sub.pages):
        look = sub.looks[i]
        skew = look.skew if look else 0.0
        f, pg = _where(sub.entry, sub.fmt, i)
        for s in page.seals:
            box = skew_box(seal_bbox_mm(s), skew)
            out.append({"file": f, "page": pg, "bbox": frac(box), "kind": s.shape, "text": s.unit, "unit": s.unit})
        st = sub.straddle
        if st and i in st["pages"]:
            from pipeline.samples.render import straddle_diameter_mm, straddle_strip_mm

            strip = straddle_strip_mm(len(st["pages"]), look.dpi)
            r = straddle_diameter_mm() / 2
            box = skew_box((A4_W - strip, st["y"] - r, A4_W, st["y"] + r), skew)
            out.append({"file": f, "page": pg, "bbox": frac(box), "kind": "straddle", "text": st["unit"],
                        "unit": st["unit"], "pages": [_where(sub.entry, sub.fmt, j)[1] if sub.fmt != "jpeg_folder"
                                                      else 1 for j in st["pages"]],
                        "files": [_where(sub.entry, sub.fmt, j)[0] for j in st["pages"]]})
    return out


def _page_truth(sub: SubmissionPlan, seals: list[dict]) -> list[dict]:
    sealed = {(s["file"], s["page"]) for s in seals}
    out = []
    n_images = 0
    for i, page in enumerate(sub.pages):
        f, pg = _where(sub.entry, sub.fmt, i)
        look = sub.looks[i]
        row = {"file": f, "page": pg, "dpi": look.dpi if look else None,
               "rotation": look.rotation if look else 0, "skew": look.skew if look else 0.0,
               "format": PAGE_FORMAT[sub.fmt], "has_seal": (f, pg) in sealed, "content": page.kind,
               "red_traps": list(page.red_traps)}
        if sub.fmt == "docx":
            # page = the page-break-separated page of the Word file; a reader that has no pages may
            # number embedded scans instead: embedded_image is this page's position among them
            if look is not None:
                n_images += 1
            row["embedded_image"] = n_images if look is not None else None
        out.append(row)
    return out


@dataclass
class BundlePlan:
    truth: dict
    submissions: list[SubmissionPlan]
    dishonest_rows: list[list[str]]
    tax_rows: list[list[str]]


DISHONEST_FILE = "失信被执行人名单.csv"
TAX_FILE = "重大税收违法失信主体名单.xlsx"


def plan_truth(seed: int = 7, n_applications: int = 4, dpi_choices=(200, 300), n_credit_rows: int = 300) -> BundlePlan:
    """The bundle's truth and the render plan for it. No pixels are drawn."""
    from pipeline.samples.render import pick_look

    apps = P.plan_applications(seed, n_applications, dpi_choices)
    subs: list[SubmissionPlan] = []
    upside_down_done = False
    for app in apps:
        rng = random.Random(f"look:{seed}:{app.index}")
        pages = L.booklet(app)
        looks = []
        for i, page in enumerate(pages):
            scanned = app.fmt in SCANNED or (app.fmt == "docx" and not page.native_docx)
            rot = 0
            if scanned and app.fmt in SCANNED and not upside_down_done and page.kind == "basic_info":
                rot, upside_down_done = 180, True
            looks.append(pick_look(rng, app.dpi, rot) if scanned else None)
        straddle = None
        if app.straddle and app.fmt in SCANNED and app.applicant.sealed:
            n = rng.choice([2, 3])
            straddle = {"pages": list(range(len(pages) - n, len(pages))), "y": round(rng.uniform(110, 190), 1),
                        "unit": app.applicant.name, "seed": rng.getrandbits(32)}
        subs.append(SubmissionPlan(app.entry, app.fmt, "application", pages, looks, app.font, straddle, app))
    # the district's recommendation form (附件4), scanned
    rng = random.Random(f"form:{seed}")
    division = rng.choice(list(W.content()["districts"]))
    district = W.content()["districts"][division]
    authority = U.UnitPlan(name=f"重庆市{district}经济和信息化委员会", uscc=U.make_uscc(rng, "11", division),
                           entity_type="other", type_text="机关", legal_rep="", contact="", phone="", address="")
    form_date = P.DEADLINE + P.dt.timedelta(days=rng.randint(1, 3))
    form_pages = L.recommendation_form(district, division, apps, rng, W.write_date(form_date, "arabic"), authority)
    form_entry = f"{len(apps) + 1:02d}_附件4_{district}推荐表.pdf"
    look = pick_look(rng, rng.choice(list(dpi_choices)))
    subs.append(SubmissionPlan(form_entry, "image_pdf", "recommendation_form", form_pages,
                               [look] * len(form_pages), "serif"))

    form = {"district": district, "authority": authority.name, "applications": [a.applicant.name for a in apps],
            "declared_on": form_date.isoformat()}
    submissions = submission_truths(subs, form, P.ORACLE)
    from pipeline.samples.credit import plan_lists

    dis, tax, hits = plan_lists(seed, apps, n_credit_rows)
    truth = {"seed": seed, "generator_version": GENERATOR_VERSION, "deadline": P.DEADLINE.isoformat(),
             "submissions": submissions,
             "credit": {"files": [{"path": DISHONEST_FILE, "kind": "dishonest_debtor", "encoding": "gbk",
                                   "rows": len(dis)},
                                  {"path": TAX_FILE, "kind": "tax_violation", "rows": len(tax)}],
                        "planted": hits}}
    return BundlePlan(truth, subs, dis, tax)


def submission_truths(subs: list[SubmissionPlan], form: dict, oracle) -> list[dict]:
    """Each planned submission's truth record (an application's from the shared oracle, the 附件4
    form's from `form`: district, authority, applications, declared_on), set on it and returned."""
    from pipeline.samples.oracle import application_truth

    out = []
    for sub in subs:
        seals = _seal_truth(sub)
        pages = _page_truth(sub, seals)
        if sub.kind == "application":
            expected, defects = application_truth(sub.app, seals, oracle, P.DEADLINE), list(sub.app.defects)
        else:
            expected = {"track": "recommendation_form", "district": form["district"], "authority": form["authority"],
                        "applications": form["applications"], "seals": seals, "declared_on": form["declared_on"],
                        "checks": [{"rule": "district.recommendation", "unit": None, "status": "pass"}],
                        "verdict": None}
            defects = []
        sub.truth = {"entry": sub.entry, "files": _files(sub.entry, sub.fmt, len(sub.pages)), "kind": sub.kind,
                     "format": sub.fmt, "expected": expected, "defects": defects, "pages": pages}
        out.append(sub.truth)
    return out


def truth_bytes(truth: dict) -> bytes:
    return (json.dumps(truth, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _render_submission(sub: SubmissionPlan, bundle: Path) -> None:
    from pipeline.samples import files as F
    from pipeline.samples import render as R

    target = bundle / sub.entry
    if sub.fmt == "text_pdf":
        F.write_text_pdf(target, sub.pages)
        return
    images = {}
    for i, page in enumerate(sub.pages):
        if sub.looks[i] is None:
            continue
        img = R.render_clean(page, sub.looks[i].dpi, sub.family)
        for s in page.seals:
            R.stamp_seal(img, s, sub.looks[i].dpi)
        images[i] = img
    if sub.straddle:
        st = sub.straddle
        R.stamp_straddle([images[i] for i in st["pages"]], st["y"], sub.looks[st["pages"][0]].dpi, st["unit"],
                         st["seed"])
    scans = {i: R.scan(img, sub.looks[i]) for i, img in images.items()}
    if sub.fmt == "tiff":
        look = sub.looks[0]
        F.write_tiff(target, [scans[i] for i in sorted(scans)], look.dpi, look.jpeg_quality)
        return
    jpegs = {i: R.jpeg_bytes(im, sub.looks[i]) for i, im in scans.items()}
    if sub.fmt == "image_pdf":
        F.write_image_pdf(target, [jpegs[i] for i in sorted(jpegs)])
    elif sub.fmt == "jpeg_folder":
        F.write_jpeg_folder(target, [jpegs[i] for i in sorted(jpegs)])
    elif sub.fmt == "docx":
        F.write_docx(target, sub.pages, jpegs)
    else:
        raise ValueError(sub.fmt)


def generate_bundle(out_dir: Path, *, seed: int = 7, n_applications: int = 4, n_credit_rows: int = 300,
                    dpi_choices=(200, 300)) -> Path:
    """Write out_dir/bundle/, out_dir/credit/ and out_dir/truth.json of family 1; return out_dir.
    (`pipeline.samples.families` picks a family.)"""
    return write_plan(out_dir, plan_truth(seed, n_applications, dpi_choices, n_credit_rows))


def write_plan(out_dir: Path, plan: BundlePlan) -> Path:
    """Render a planned bundle of either family: submissions, credit lists, truth.json."""
    from pipeline.samples import credit_write as CW

    out_dir = Path(out_dir)
    bundle, credit_dir = out_dir / "bundle", out_dir / "credit"
    bundle.mkdir(parents=True, exist_ok=True)
    credit_dir.mkdir(parents=True, exist_ok=True)
    stale = sorted({p.name for p in bundle.iterdir()} - {sub.entry for sub in plan.submissions})
    if stale:  # another set's submissions would silently join this bundle
        raise FileExistsError(f"{bundle} 已有其他申报材料 / already holds other submissions: {', '.join(stale[:3])}"
                              " — choose an empty folder")
    for sub in plan.submissions:
        _render_submission(sub, bundle)
    CW.write_dishonest_csv(credit_dir / DISHONEST_FILE, plan.dishonest_rows)
    CW.write_tax_xlsx(credit_dir / TAX_FILE, plan.tax_rows)
    (out_dir / "truth.json").write_bytes(truth_bytes(plan.truth))
    return out_dir
