"""Compare a run's review.json files with a generated bundle's truth.json.

    python benchmarks/accuracy.py TRUTH_JSON OUT_DIR [--json] [--show-errors]

Prints coverage, per-field accuracy (overall and split by how the submission was handed in: `scan` =
image PDF, TIFF, JPEG folder; `text` = text-layer PDF or Word file, whose sealed pages are embedded
scans; then `text_pdf` and `docx` apart — the format is truth.json's `format`), seal precision/recall
at page level (straddle seals separately), per-rule status accuracy, per rule how often `fail` and
`review` were right (precision of fail; review right and its share of all results) and verdict accuracy. Submissions are matched by their files: a review's
`source.files[].path` (bundle-relative) against the truth's `files`. A truth submission without a
review counts as wrong everywhere (no submission may be dropped). `compare` is pure.
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

APP_FIELDS = ("track", "applicant.name", "applicant.uscc", "applicant.entity_type", "declared_on",
              "consortium.members", "consortium.roles", "targets")
SITE_FIELDS = ("site.tenure", "site.lease_start", "site.lease_end", "site.lease_years")
KIND_OF_FORMAT = {"image_pdf": "scan", "tiff": "scan", "jpeg_folder": "scan", "text_pdf": "text", "docx": "text"}
SPLIT_COLUMNS = ("scan", "text", "text_pdf", "docx")


def norm(text) -> str:
    """NFKC (full-width brackets and digits → ASCII), no spaces, upper-case."""
    if text is None:
        return ""
    t = unicodedata.normalize("NFKC", str(text)).upper()
    return "".join(t.split())


def _path(p: str) -> str:
    p = p.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


def match_reviews(truth: dict, reviews: list[dict]) -> dict[str, dict]:
    """entry → review whose source files overlap the truth submission's files."""
    out: dict[str, dict] = {}
    for sub in truth["submissions"]:
        want = {_path(f) for f in sub["files"]}
        for r in reviews:
            got = {_path(f.get("path", "")) for f in (r.get("source") or {}).get("files", [])}
            if any(g == w or g.endswith("/" + w) for g in got for w in want):
                out[sub["entry"]] = r
                break
    return out


class Tally:
    def __init__(self):
        self.c = defaultdict(lambda: [0, 0])

    def add(self, key: str, ok: bool):
        self.c[key][0] += int(ok)
        self.c[key][1] += 1

    def add_counts(self, key: str, correct: int, total: int):
        self.c[key][0] += correct
        self.c[key][1] += total

    def as_dict(self) -> dict:
        return {k: {"correct": v[0], "total": v[1], "accuracy": round(v[0] / v[1], 4) if v[1] else None}
                for k, v in sorted(self.c.items())}


def _get(d: dict | None, dotted: str):
    for part in dotted.split("."):
        if not isinstance(d, dict):
            return None
        d = d.get(part)
    return d


def _same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and not isinstance(a, bool):
        try:
            return abs(float(a) - float(b)) <= 0.05
        except (TypeError, ValueError):
            return False
    return norm(a) == norm(b)


def _members(t_exp: dict, rev: dict | None) -> tuple[int, int, int]:
    """(names found, names+roles right, denominator = max(len truth, len review))."""
    truth = t_exp.get("consortium") or []
    got = (rev or {}).get("consortium") or []
    by_name = {norm(m.get("name")): m for m in got}
    names = roles = 0
    for m in truth:
        g = by_name.get(norm(m["name"]))
        if g is not None:
            names += 1
            roles += set(g.get("roles") or []) == set(m["roles"])
    return names, roles, max(len(truth), len(got))


@lru_cache(maxsize=1)
def _rules():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from pipeline.checks.rules import load_rules

    return load_rules()


def _same_target(t: dict, g: dict | None) -> bool:
    """The review's target is the truth's: its value, turned into the truth's unit by the unit classes of
    pipeline/checks/rules.yaml (45 名 is 45 人, 0.42 万平方米 is 4200 平方米), is the truth's value. Units of
    different classes never match."""
    if not g:
        return False
    if g.get("value") is None or t["value"] is None:
        return _same_value(t["value"], g.get("value")) and norm(t["unit"]) == norm(g.get("unit"))
    try:
        value = _rules().convert(float(g["value"]), str(g.get("unit") or ""), str(t["unit"] or ""))
    except (TypeError, ValueError):
        return False
    return value is not None and _same_value(t["value"], value)


def _targets(t_exp: dict, rev: dict | None) -> tuple[int, int]:
    truth = t_exp.get("targets") or []
    got = (rev or {}).get("targets") or []
    by_ind = {norm(t.get("indicator")): t for t in got}
    ok = 0
    for t in truth:
        g = by_ind.get(norm(t["indicator"]))
        ok += _same_target(t, g)
    return ok, max(len(truth), len(got))


def _member_list(members) -> str:
    return "; ".join(f"{m.get('name')}({','.join(m.get('roles') or [])})" for m in members or []) or "none"


def _target_misses(t_exp: dict, rev: dict | None) -> str:
    got = {norm(t.get("indicator")): t for t in (rev or {}).get("targets") or []}
    out = []
    for t in t_exp.get("targets") or []:
        g = got.get(norm(t["indicator"]))
        if not _same_target(t, g):
            out.append(f"{t['indicator']} expected {t['value']}{t['unit']}, got "
                       + (f"{g.get('value')}{g.get('unit') or ''}" if g else "none"))
    want = {norm(t["indicator"]) for t in t_exp.get("targets") or []}
    out += [f"unexpected {t.get('indicator')} {t.get('value')}{t.get('unit') or ''}"
            for k, t in got.items() if k not in want]
    return "; ".join(out)


def _seal_pages(sub: dict, straddle: bool) -> set[tuple[str, int]]:
    return {(_path(s["file"]), int(s["page"])) for s in sub["expected"].get("seals") or []
            if (s.get("kind") == "straddle") == straddle}


def _docx_page_map(sub: dict, rev: dict | None) -> dict[tuple[str, int], int]:
    """DOCX has no pages of its own: the truth numbers a Word file by its page breaks, the reader
    (pipeline/readers/docx_reader.py) cuts its text into pseudo-pages at tables and appends the
    embedded scans last, whatever the counts. Map the review's page numbers onto the truth's: scan k
    is page (pages read − scans + k); text pseudo-page j is the truth's j-th text page only when both
    have as many text pages, else it is no truth page (a seal there is a false one)."""
    images = {p["embedded_image"]: p["page"] for p in sub.get("pages", []) if p.get("embedded_image")}
    if not images or not rev:
        return {}
    text_pages = sorted(p["page"] for p in sub.get("pages", []) if not p.get("embedded_image"))
    out = {}
    for f in (rev.get("source") or {}).get("files", []):
        read = f.get("pages")
        path = _path(f.get("path", ""))
        if not isinstance(read, int):
            continue
        n_text = read - len(images)
        for k, truth_page in images.items():
            out[(path, n_text + k)] = truth_page
        for j in range(1, n_text + 1):
            out[(path, j)] = text_pages[j - 1] if n_text == len(text_pages) else -j
    return out


def _prf(truth: set, got: set) -> dict:
    tp, fp, fn = len(truth & got), len(got - truth), len(truth - got)
    return {"tp": tp, "fp": fp, "fn": fn,
            "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / (tp + fn), 4) if tp + fn else None}


def _rule_match(tc: dict, checks: list[dict]) -> dict | None:
    same_rule = [c for c in checks if c.get("rule") == tc["rule"]]
    for c in same_rule:
        if norm(c.get("unit")) == norm(tc.get("unit")):
            return c
    return same_rule[0] if len(same_rule) == 1 else None


def _review_seal_pages(rev: dict | None, want_files: set[str], straddle: bool,
                       page_map: dict | None = None) -> set[tuple[str, int]]:
    """Review seal pages, file paths mapped onto the truth's bundle-relative names."""
    page_map = page_map or {}
    out = set()
    for s in (rev or {}).get("seals") or []:
        if (s.get("kind") == "straddle") != straddle:
            continue
        pages = s.get("pages") or [s.get("page")]
        files = s.get("files") or [s.get("file", "")] * len(pages)  # a straddle over a JPEG folder
        for f, pg in zip(files, pages):
            p = _path(f)
            for w in want_files:
                if p == w or p.endswith("/" + w):
                    p = w
            if pg is not None:
                raw = (_path(f), int(pg))
                out.add((p, page_map.get(raw, int(pg))))
    return out


def compare(truth: dict, reviews: list[dict]) -> dict:
    """Pure comparison: truth.json dict and review.json dicts → metrics and a list of mismatches."""
    matched = match_reviews(truth, reviews)
    fields, rules, verdicts = Tally(), Tally(), Tally()
    calls: dict[str, dict[str, list[int]]] = defaultdict(lambda: {"fail": [0, 0], "review": [0, 0], "total": [0, 0]})
    split: dict[str, Tally] = defaultdict(Tally)
    seal_t, seal_g, str_t, str_g = set(), set(), set(), set()
    errors: list[str] = []
    for sub in truth["submissions"]:
        entry, exp = sub["entry"], sub["expected"]
        rev = matched.get(entry)
        want = {_path(f) for f in sub["files"]}
        pmap = _docx_page_map(sub, rev)
        seal_t |= _seal_pages(sub, False)
        str_t |= _seal_pages(sub, True)
        seal_g |= _review_seal_pages(rev, want, False, pmap)
        str_g |= _review_seal_pages(rev, want, True, pmap)
        for tc in exp.get("checks") or []:
            rc = _rule_match(tc, (rev or {}).get("checks") or [])
            ok_statuses = {tc["status"], *tc.get("also_acceptable", [])}
            ok = rc is not None and rc.get("status") in ok_statuses
            rules.add(tc["rule"], ok)
            given = rc.get("status") if rc else None
            if given in ("fail", "review"):
                calls[tc["rule"]][given][0] += int(ok)
                calls[tc["rule"]][given][1] += 1
            calls[tc["rule"]]["total"][1] += 1
            if not ok:
                errors.append(f"{entry}: {tc['rule']} [{tc.get('unit') or '-'}] expected {tc['status']}, "
                              f"got {rc.get('status') if rc else 'missing'}")
        if sub["kind"] != "application":
            continue
        fmt = sub.get("format", "")
        tallies = [fields] + [split[k] for k in (KIND_OF_FORMAT.get(fmt), fmt) if k]

        def count(f: str, correct: int, total: int = 1) -> None:
            for t in tallies:
                t.add_counts(f, correct, total)

        for f in APP_FIELDS[:5]:
            ok = _same_value(_get(exp, f), _get(rev, f)) if rev else False
            count(f, ok)
            if not ok:
                errors.append(f"{entry} [{fmt}]: {f} expected {_get(exp, f)!r}, got {_get(rev, f)!r}")
        if exp["track"] == "innovation_community":
            for f in SITE_FIELDS:
                ok = _same_value(_get(exp, f), _get(rev, f)) if rev else False
                count(f, ok)
                if not ok:
                    errors.append(f"{entry} [{fmt}]: {f} expected {_get(exp, f)!r}, got {_get(rev, f)!r}")
        else:
            names, roles, denom = _members(exp, rev)
            count("consortium.members", names, denom)
            count("consortium.roles", roles, denom)
            if roles < denom:
                errors.append(f"{entry} [{fmt}]: consortium {roles}/{denom} members with right name and roles"
                              f" — expected {_member_list(exp.get('consortium'))}, got {_member_list((rev or {}).get('consortium'))}")
        ok_t, denom_t = _targets(exp, rev)
        count("targets", ok_t, denom_t)
        if ok_t < denom_t:
            errors.append(f"{entry} [{fmt}]: targets {ok_t}/{denom_t} right — {_target_misses(exp, rev)}")
        if exp.get("verdict") is not None:
            allowed = {exp["verdict"], *exp.get("verdict_also_acceptable", [])}
            got = (rev or {}).get("verdict")
            verdicts.add("verdict", got in allowed)
            if got not in allowed:
                errors.append(f"{entry}: verdict expected {exp['verdict']}, got {got}")
    n = len(truth["submissions"])
    return {
        "coverage": {"submissions": n, "with_review": len(matched),
                     "ratio": round(len(matched) / n, 4) if n else None,
                     "unmatched_reviews": len(reviews) - len(set(map(id, matched.values())))},
        "fields": fields.as_dict(),
        "fields_by_format": {k: split[k].as_dict() for k in SPLIT_COLUMNS if k in split},
        "seals": {"page": _prf(seal_t, seal_g), "straddle": _prf(str_t, str_g)},
        "rules": rules.as_dict(),
        "rule_calls": {k: _calls(v) for k, v in sorted(calls.items())},
        "verdict": verdicts.as_dict().get("verdict", {"correct": 0, "total": 0, "accuracy": None}),
        "mismatches": errors,
    }


def _calls(v: dict[str, list[int]]) -> dict:
    """How often a rule's `fail` was right (precision of fail: a wrong fail rejects an eligible
    application) and its `review` was right (the truth expects or accepts review), and the share
    of all its results that went to review (work left to people)."""
    total = v["total"][1]
    out = {"total": total}
    for k in ("fail", "review"):
        right, given = v[k]
        out[k] = {"given": given, "right": right, "precision": round(right / given, 4) if given else None}
    out["review"]["share"] = round(v["review"][1] / total, 4) if total else None
    return out


def load_reviews(out_dir: Path) -> list[dict]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(Path(out_dir).glob("*/review.json"))]


def format_report(res: dict, show_errors: bool = False) -> str:
    def pct(v):
        return "  -  " if v is None else f"{v * 100:5.1f}%"

    cov = res["coverage"]
    def cell(v):
        return f"{pct(v['accuracy'])} {v['correct']:>3}/{v['total']:<3}" if v else f"{'-':>14s}"

    lines = [f"coverage: {cov['with_review']}/{cov['submissions']} submissions have a review ({pct(cov['ratio'])});"
             f" unmatched reviews: {cov['unmatched_reviews']}", "",
             "fields (scan: image PDF/TIFF/JPEG; text: text-layer PDF + Word, of which text_pdf and docx):",
             f"  {'':24s} {'all':>14s} " + " ".join(f"{k:>14s}" for k in SPLIT_COLUMNS)]
    by = res.get("fields_by_format", {})
    for k, v in res["fields"].items():
        lines.append(f"  {k:24s} {cell(v)} " + " ".join(cell(by.get(c, {}).get(k)) for c in SPLIT_COLUMNS))
    lines.append("seals (page level):")
    for k, v in res["seals"].items():
        lines.append(f"  {k:24s} precision {pct(v['precision'])}  recall {pct(v['recall'])}"
                     f"  (tp {v['tp']}, fp {v['fp']}, fn {v['fn']})")
    lines.append("rules (status):")
    for k, v in res["rules"].items():
        lines.append(f"  {k:28s} {pct(v['accuracy'])}  ({v['correct']}/{v['total']})")
    lines.append("fail and review calls per rule (fail right/given = precision of fail; review right/given,"
                 " review share of all results):")
    for k, v in res.get("rule_calls", {}).items():
        f, r = v["fail"], v["review"]
        lines.append(f"  {k:28s} fail {f['right']:>3}/{f['given']:<3} {pct(f['precision'])}   "
                     f"review {r['right']:>3}/{r['given']:<3} {pct(r['precision'])}  share {pct(r['share'])}")
    v = res["verdict"]
    lines.append(f"verdict: {pct(v['accuracy'])}  ({v['correct']}/{v['total']})")
    if show_errors and res["mismatches"]:
        lines.append("")
        lines.append("mismatches:")
        lines += [f"  {e}" for e in res["mismatches"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("truth", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--json", action="store_true", help="print the metrics as JSON")
    ap.add_argument("--show-errors", action="store_true", help="list every mismatch")
    a = ap.parse_args(argv)
    truth = json.loads(a.truth.read_text("utf-8"))
    res = compare(truth, load_reviews(a.out))
    print(json.dumps(res, ensure_ascii=False, indent=1) if a.json else format_report(res, a.show_errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
