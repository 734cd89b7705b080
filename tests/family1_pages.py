"""Chosen pages of one planned family-1 application (our own templates), rendered with their planned
scan look into an image PDF and read by the real reader, then extracted: the shared set-up of the
family-1 OCR tests that reproduce one page class without generating a whole bundle."""
from __future__ import annotations

from pathlib import Path

from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts
from pipeline.process import indicator_specs
from pipeline.reading import read_document
from pipeline.samples import generator as G


def planned_facts(tmp_path: Path, seed: int, index: int, kinds: tuple[str, ...], n: int = 12):
    """(the application's expected truth, the facts extracted from its pages of `kinds`) for
    application `index` of the family-1 bundle planned with `seed` and `n` applications."""
    plan = G.plan_truth(seed, n)
    sub = [s for s in plan.submissions if s.kind == "application"][index - 1]
    keep = [i for i, p in enumerate(sub.pages) if p.kind in kinds]
    part = G.SubmissionPlan("part.pdf", "image_pdf", "application", [sub.pages[i] for i in keep],
                            [sub.looks[i] for i in keep], sub.family)
    G._render_submission(part, tmp_path)
    doc = read_document(tmp_path, "part.pdf").document
    return sub.truth["expected"], extract_facts([doc], indicators=indicator_specs(load_rules()))
