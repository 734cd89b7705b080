"""Per-field extraction accuracy on a freshly generated bundle (pipeline.samples) read by the real
readers and OCR: `python benchmarks/extract_fields.py --seed 31 --n 20 --work /tmp/exb`.

Read results are cached (pickle) per file so extraction can be re-measured without re-reading.
Fields are compared with truth.json's `expected`; scans (tiff, jpeg folder, image pdf, and DOCX
pages that are embedded scans) and text documents (text pdf, docx) are reported apart.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.extract import extract_facts  # noqa: E402
from pipeline.reading import read_document  # noqa: E402
from pipeline.samples.generator import generate_bundle  # noqa: E402

SCAN_FORMATS = {"tiff", "jpeg_folder", "image_pdf"}


def read_all(work: Path, truth: dict, engine: str, workers: int) -> dict[str, list]:
    cache = work / f"reads-{engine}.pkl"
    docs: dict[str, list] = pickle.loads(cache.read_bytes()) if cache.exists() else {}
    for sub in truth["submissions"]:
        for rel in sub["files"]:
            if rel in docs:
                continue
            t = time.perf_counter()
            r = read_document(work / "bundle", rel, engine=engine, workers=workers)
            docs[rel] = [r.document, time.perf_counter() - t]
            print(f"read {rel}: {len(r.document.pages)} pages {docs[rel][1]:.1f}s", flush=True)
            cache.write_bytes(pickle.dumps(docs))
    return docs


def _v(fact):
    v = fact.value
    return v.isoformat() if hasattr(v, "isoformat") else v


def compare(exp: dict, facts) -> dict[str, tuple[bool, object, object]]:
    out: dict[str, tuple[bool, object, object]] = {}

    def put(field, want, got):
        if isinstance(want, (int, float)) and isinstance(got, (int, float)):
            ok = abs(want - got) < 0.011
        else:
            ok = want == got
        out[field] = (ok, want, got)

    put("track", exp["track"], facts.track.value)
    a = facts.applicant
    put("applicant.name", exp["applicant"]["name"], a.name.value)
    put("applicant.uscc", exp["applicant"]["uscc"], a.uscc.value)
    put("applicant.entity_type", exp["applicant"]["entity_type"], a.entity_type.value)
    if exp["track"] == "innovation_community":
        for k in ("tenure", "lease_start", "lease_end", "lease_years"):
            put(f"site.{k}", exp["site"][k], _v(getattr(facts.site, k)))
    else:
        got = {(u.name.value, u.uscc.value, tuple(u.roles)) for u in facts.consortium}
        want = {(m["name"], m["uscc"], tuple(m["roles"])) for m in exp["consortium"]}
        put("consortium", sorted(want), sorted(got, key=str))
        for m in exp["consortium"]:
            u = next((u for u in facts.consortium if u.name.value == m["name"]), None)
            put(f"member.name#{m['name']}", m["name"], u.name.value if u else None)
            put(f"member.uscc#{m['name']}", m["uscc"], u.uscc.value if u else None)
            put(f"member.roles#{m['name']}", m["roles"], list(u.roles) if u else None)
    got_t = {t.indicator: t for t in facts.targets if t.matched}
    for t in exp["targets"]:
        g = got_t.get(t["indicator"])
        put(f"target#{t['indicator']}", (t["value"], t["unit"]), (g.value, g.unit) if g else None)
    put("declared_on", exp["declared_on"], _v(facts.declared_on))
    return out


def field_kind(name: str) -> str:
    return name.split("#")[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=31)
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--work", type=Path, default=Path("/tmp/extract-bench"))
    ap.add_argument("--engine", default="cascade")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if not (args.work / "truth.json").exists():
        generate_bundle(args.work, seed=args.seed, n_applications=args.n)
    truth = json.loads((args.work / "truth.json").read_text("utf-8"))
    docs = read_all(args.work, truth, args.engine, args.workers)
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    errors = []
    from pipeline.extract.nlp import _phrases

    t = time.perf_counter()
    _phrases()  # the role phrases' tokens: once per process, not per page (spaCy is no longer used here)
    print(f"role phrases load {time.perf_counter() - t:.2f}s")
    t_extract, n_pages = 0.0, 0
    for sub in truth["submissions"]:
        documents = [docs[rel][0] for rel in sub["files"]]
        n_pages += sum(len(d.pages) for d in documents)
        t = time.perf_counter()
        facts = extract_facts(documents)
        t_extract += time.perf_counter() - t
        if sub["kind"] != "application":
            ok = facts.track.value == "recommendation_form"
            table[("recommendation.track", "scan")][0] += ok
            table[("recommendation.track", "scan")][1] += 1
            table[("recommendation.district", "scan")][0] += bool(facts.district.value)
            table[("recommendation.district", "scan")][1] += 1
            if not facts.district.value or not ok:
                errors.append((sub["entry"], "recommendation", "recommendation_form + district", (facts.track.value, facts.district.value, facts.district.reason)))
            continue
        kind = "scan" if sub["format"] in SCAN_FORMATS else "text"
        for field, (ok, want, got) in compare(sub["expected"], facts).items():
            cell = table[(field_kind(field), kind)]
            cell[0] += ok
            cell[1] += 1
            if not ok:
                errors.append((sub["entry"], sub["format"], field, (want, got)))
    fields = sorted({f for f, _ in table})
    print(f"\n{'field':28s} {'scan':>12s} {'text':>12s}")
    for f in fields:
        cols = []
        for k in ("scan", "text"):
            ok, n = table.get((f, k), [0, 0])
            cols.append(f"{ok}/{n} {100 * ok / n:5.1f}%" if n else "-")
        print(f"{f:28s} {cols[0]:>12s} {cols[1]:>12s}")
    print(f"\nextraction: {t_extract:.2f}s for {n_pages} pages = {1000 * t_extract / max(n_pages, 1):.1f} ms/page")
    print(f"\n{len(errors)} wrong values:")
    for e in errors:
        print(" ", e)
    if args.json:
        args.json.write_text(json.dumps({"table": {f"{f}|{k}": v for (f, k), v in table.items()}, "errors": errors},
                                        ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
