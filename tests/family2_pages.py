"""Chosen pages of one planned family-2 application, rendered with their planned scan look into an
image PDF and read by the real reader: the shared set-up of the family-2 OCR tests."""
from __future__ import annotations

from pathlib import Path

from pipeline.model import Document
from pipeline.reading import read_document
from pipeline.samples import generator as G
from pipeline.samples.family2 import bundle as B


def read_planned_pages(tmp_path: Path, seed: int, n: int, index: int, kinds: tuple[str, ...], fmt: str = "image_pdf"):
    """(the submission's plan, the Document read from its pages of `kinds`) for application `index`
    of the family-2 bundle planned with `seed` and `n` applications, written as `fmt` (image_pdf or tiff
    with its planned scan look, or text_pdf with a text layer). A TIFF is written with the look of its
    first page kept: include the cover to write it as the bundle does."""
    plan = B.plan_truth(seed, n)
    sub = next(s for s in plan.submissions if s.kind == "application" and s.app.index == index)
    keep = [i for i, p in enumerate(sub.pages) if p.kind in kinds]
    looks = [sub.looks[i] for i in keep] if fmt in ("image_pdf", "tiff") else [None] * len(keep)
    entry = "part.tiff" if fmt == "tiff" else "part.pdf"
    part = G.SubmissionPlan(entry, fmt, "application", [sub.pages[i] for i in keep], looks, sub.family)
    G._render_submission(part, tmp_path)
    doc: Document = read_document(tmp_path, entry).document
    return sub, doc


def analyse_planned_submission(tmp_path: Path, seed: int, n: int, index: int, straddle: bool = True):
    """(the submission's plan, its facts, its checks) for application `index` written as the bundle writes
    it (with its 骑缝章 by default) and analysed as a run does (seals, seal places, checks; no credit lists)."""
    from pipeline.checks.rules import load_rules
    from pipeline.process import analyse

    sub = next(s for s in B.plan_truth(seed, n).submissions if s.kind == "application" and s.app.index == index)
    entry = {"docx": "part.docx", "tiff": "part.tiff", "jpeg_folder": "part"}.get(sub.fmt, "part.pdf")
    G._render_submission(G.SubmissionPlan(entry, sub.fmt, "application", sub.pages, sub.looks, sub.family,
                                          sub.straddle if straddle else None), tmp_path)
    facts, checks = analyse([read_document(tmp_path, entry)], rules=load_rules(), credit=None, crops_dir=None,
                            app_dir=None)
    return sub, facts, checks


def read_planned_submission(tmp_path: Path, seed: int, n: int, index: int, straddle: bool = False):
    """(the submission's plan, the Document read from it) for application `index`, every page written in
    the submission's own format as the bundle writes it (DOCX with its scanned pictures, text PDF, …):
    a chosen page set as an image PDF does not always reproduce what the bundle's file gives.
    `straddle`: with its planned 骑缝章 stamped over the page edges too, as in the bundle."""
    sub = next(s for s in B.plan_truth(seed, n).submissions if s.kind == "application" and s.app.index == index)
    entry = {"docx": "part.docx", "tiff": "part.tiff", "jpeg_folder": "part"}.get(sub.fmt, "part.pdf")
    G._render_submission(G.SubmissionPlan(entry, sub.fmt, "application", sub.pages, sub.looks, sub.family,
                                          sub.straddle if straddle else None), tmp_path)
    return sub, read_document(tmp_path, entry).document


def planned_facts(tmp_path: Path, seed: int, n: int, index: int, kinds: tuple[str, ...], fmt: str = "image_pdf"):
    """(the application's expected truth, the facts extracted from its pages of `kinds` read by OCR,
    or from their text layer when `fmt` is text_pdf)."""
    from pipeline.checks.rules import load_rules
    from pipeline.extract import extract_facts
    from pipeline.process import indicator_specs

    sub, doc = read_planned_pages(tmp_path, seed, n, index, kinds, fmt)
    return sub.truth["expected"], extract_facts([doc], indicators=indicator_specs(load_rules()))


def read_planned_folder(tmp_path: Path, seed: int, n: int, index: int, kinds: tuple[str, ...] = ()):
    """(the submission's plan, the Documents read from its page files) for a JPEG-folder application,
    written as the bundle writes it and read file by file as a run reads a folder; only its pages of
    `kinds` when given (each page file keeps its planned look)."""
    sub = next(s for s in B.plan_truth(seed, n).submissions if s.kind == "application" and s.app.index == index)
    assert sub.fmt == "jpeg_folder"
    keep = [i for i, p in enumerate(sub.pages) if not kinds or p.kind in kinds]
    G._render_submission(G.SubmissionPlan("part", sub.fmt, "application", [sub.pages[i] for i in keep],
                                          [sub.looks[i] for i in keep], sub.family), tmp_path)
    return sub, [read_document(tmp_path, f"part/{f.name}").document for f in sorted((tmp_path / "part").iterdir())]
