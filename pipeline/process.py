"""The stages after reading, composed for one submission and for the bundle.

Data flows one way: DocumentRead (pages + seal finds) → ApplicationFacts → CheckResults → sheets.
The Prefect flow (flows/) and tests call these; they hold no orchestration of their own.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from pipeline.errors import RunError
from pipeline.facts import ApplicationFacts, CheckResult
from pipeline.model import DocumentError, SourceFile
from pipeline.ocr.stagetime import stage
from pipeline.reading import DocumentRead, SealFind, read_seal_crops

STATUS_RANK = {"pass": 0, "review": 1, "fail": 2}


def load_context(rules_path: Path | None, credit_lists: Sequence[Path]):
    """(rules, credit index). Raises RunError with one line when either cannot be read."""
    from pipeline.checks.credit import load_credit_lists
    from pipeline.checks.rules import load_rules

    rules = load_rules(Path(rules_path) if rules_path else None)
    missing = [str(p) for p in credit_lists if not Path(p).is_file()]
    if missing:
        raise RunError(f"信用名单文件不存在 / credit list not found: {', '.join(missing)}")
    credit = load_credit_lists([Path(p) for p in credit_lists], rules.thresholds.fuzzy_name) if credit_lists else None
    return rules, credit


def indicator_specs(rules) -> tuple:
    from pipeline.extract import IndicatorSpec

    return tuple(
        IndicatorSpec(track=track, name=ind.name, unit=ind.unit, aliases=tuple(ind.aliases), min=ind.min,
                      units=rules.unit_factors(ind.unit))
        for track, inds in rules.indicators.items()
        for ind in inds
    )


def _candidates(reads: Sequence[DocumentRead], crops_dir: Path | None):
    """Per-page seal candidates in booklet order (pages without seals included: straddle slices
    must be on consecutive pages), crops loaded back from the crops folder."""
    import cv2

    from pipeline.extract.seals import SealCandidate

    def cand(f: SealFind) -> SealCandidate:
        crop = None
        if crops_dir is not None and f.crop_file:
            bgr = cv2.imread(str(Path(crops_dir) / f.crop_file), cv2.IMREAD_COLOR)
            crop = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB) if bgr is not None else None
        fields = f.model_dump(exclude={"crop_file", "frames"})
        return SealCandidate(**fields, frames=f.frames, crop=crop)

    per_page = []
    for r in reads:
        by_page: dict[int, list] = {}
        for f in r.seal_finds:
            by_page.setdefault(f.page, []).append(cand(f))
        numbers = sorted({p.number for p in r.document.pages} | set(by_page))
        per_page += [(r.document.file, n, by_page.get(n, [])) for n in numbers]
    return per_page


def unit_names(facts: ApplicationFacts) -> list[str]:
    names = [facts.applicant.name.value] + [m.name.value for m in facts.consortium]
    return list(dict.fromkeys(str(n) for n in names if n))


def source_files(reads: Sequence[DocumentRead]) -> list[SourceFile]:
    """Files that could at least be hashed; one that vanished or cannot be opened is in errors only."""
    return [SourceFile(path=r.document.file, sha256=r.document.sha256, pages=r.document.page_count)
            for r in reads if r.document.sha256]


def app_dir_for(out_dir: Path, entry: str, shas: Sequence[str]) -> tuple[str, Path]:
    from pipeline.report.atomic import safe_child
    from pipeline.report.ids import application_id

    app_id = application_id(entry, list(shas))
    path = safe_child(Path(out_dir), app_id)
    path.mkdir(parents=True, exist_ok=True)
    return app_id, path


def _today(run_date: str | None) -> str:
    return run_date or dt.date.today().isoformat()


def analyse(reads: Sequence[DocumentRead], *, rules, credit, crops_dir: Path | None, app_dir: Path | None):
    """Facts (with seals attributed and placed) and check results of one submission."""
    from pipeline.checks.engine import district_recommendation, run_checks
    from pipeline.extract import extract_facts
    from pipeline.extract.seals import associate_places, names_on_pages, seals_from_candidates

    documents = [r.document for r in reads]
    with stage("extraction"):
        facts = extract_facts(documents, indicators=indicator_specs(rules))
    pages = [p for d in documents for p in d.pages]
    units = unit_names(facts)
    # other parties named in the booklet (the lessor…) compete for their own seals; seals are scored
    # on what the page workers' recogniser saw, crops read again (骑缝章 discs) in a page worker
    with stage("seals_review"):
        seals = seals_from_candidates(_candidates(reads, crops_dir), units, app_dir, names_on_pages(pages, units),
                                      read=read_seal_crops)
        places = associate_places(pages, seals)
    blind = tuple((r.document.file, n) for r in reads for n in r.colourless_pages)
    facts = facts.model_copy(update={"seals": tuple(seals), "seal_places": tuple(places), "colourless_pages": blind})
    with stage("checks"):
        if facts.track.value == "recommendation_form":
            checks = [district_recommendation([facts], rules)]
        else:
            checks = run_checks(facts, rules, credit)
    return facts, checks


def review_submission(
    entry: str,
    reads: Sequence[DocumentRead],
    *,
    rules,
    credit,
    out_dir: Path,
    crops_dir: Path | None = None,
    run_date: str | None = None,
    errors: Sequence[DocumentError] = (),
) -> dict:
    """Extract, check and write OUT/<application_id>/review.json + review.docx (+ seal crops)."""
    all_errors = list(errors) + [e for r in reads for e in r.document.errors]
    if not any(r.document.pages for r in reads):
        return error_submission(entry, [r.document.file for r in reads], all_errors, out_dir=out_dir,
                                run_date=run_date, reads=reads)
    app_id, app_dir = app_dir_for(out_dir, entry, [r.document.sha256 for r in reads])
    facts, checks = analyse(reads, rules=rules, credit=credit, crops_dir=crops_dir, app_dir=app_dir)
    track = str(facts.track.value or "")
    inds = rules.indicators.get(track, ())
    with stage("sheets"):
        return _write_sheets(app_id, app_dir, entry, reads, facts, checks, all_errors, rules, inds, run_date)


def _write_sheets(app_id, app_dir, entry, reads, facts, checks, all_errors, rules, inds, run_date) -> dict:
    from pipeline.checks.engine import verdict
    from pipeline.report.docx_sheet import write_review_docx
    from pipeline.report.review import build_review, write_review_json

    review = build_review(
        application_id=app_id,
        entry=entry,
        source_files=source_files(reads),
        facts=facts,
        checks=checks,
        verdict=verdict(checks),
        errors=all_errors,
        run_date=_today(run_date),
        requirements=rules.requirements(),
        minimums={i.name: i.min for i in inds},
        placeholder_indicators={i.name for i in inds if i.placeholder},
    )
    write_review_json(app_dir, review)
    write_review_docx(app_dir, review, requirements=rules.requirements())
    _drop_stale_crops(app_dir, review)
    return review


def error_submission(
    entry: str,
    files: Sequence[str],
    errors: Sequence[DocumentError],
    *,
    out_dir: Path,
    run_date: str | None = None,
    reads: Sequence[DocumentRead] = (),
) -> dict:
    """The review of a submission that could not be read at all (verdict needs_review)."""
    from pipeline.report.docx_sheet import write_review_docx
    from pipeline.report.review import error_review, write_review_json

    shas = [r.document.sha256 for r in reads if r.document.sha256] or [f"unreadable:{f}" for f in files] or [f"unreadable:{entry}"]
    app_id, app_dir = app_dir_for(out_dir, entry, shas)
    review = error_review(application_id=app_id, entry=entry, errors=list(errors),
                          source_files=source_files(reads), run_date=_today(run_date))
    write_review_json(app_dir, review)
    write_review_docx(app_dir, review)
    return review


def _drop_stale_crops(app_dir: Path, review: dict) -> None:
    """A rerun may find fewer seals: crops the review does not name would mislead a reader."""
    keep = {s.get("crop") for s in review.get("seals", []) if s.get("crop")}
    for png in app_dir.glob("seal_*.png"):
        if png.name not in keep:
            png.unlink()


def bundle_finding(reviews: Sequence[dict], rules) -> CheckResult:
    """district.recommendation for the bundle: the best result among its 附件4 forms."""
    from pipeline.checks.engine import district_recommendation

    forms = [r for r in reviews if r.get("track") == "recommendation_form"]
    if not forms:
        return district_recommendation([], rules)
    results = [c for r in forms for c in r.get("checks", []) if c.get("rule") == "district.recommendation"]
    if not results:
        return district_recommendation([], rules)
    best = min(results, key=lambda c: STATUS_RANK.get(c["status"], 1))
    return CheckResult.model_validate(
        {
            "rule": best["rule"],
            "unit": best.get("unit"),
            "status": best["status"],
            "detail": best["detail"],
            "clause": best.get("clause", ""),
            "evidence": [
                {k: v for k, v in e.items() if k in ("file", "page", "bbox", "text", "confidence", "note")}
                for e in best.get("evidence", [])
            ],
        }
    )


def finish_bundle(out_dir: Path, reviews: Sequence[dict], *, rules, run_date: str | None = None,
                  credit_lists: Sequence[dict] = ()) -> dict:
    """The bundle-level district.recommendation check, then summary.xlsx + summary.json (with each
    credit list's load report, `CreditIndex.reports()`)."""
    from pipeline.report.summary import write_summary

    finding = bundle_finding(reviews, rules)
    xlsx, js = write_summary(Path(out_dir), list(reviews), [finding], run_date=_today(run_date),
                             credit_lists=credit_lists)
    return {"summary_xlsx": str(xlsx), "summary_json": str(js), "district_recommendation": finding.status}
