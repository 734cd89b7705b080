"""Reviewer workbench: time to first paint of an application page and of an evidence image on a
100-application output, in a real headless browser (Debian's chromium via Playwright).

    python benchmarks/workbench.py OUT [--bundle DIR] [--apps 100] [--samples 20] [--keep DIR]

OUT is one real `jiebang run` output (e.g. of sample_docs/demo/bundle). Its review.json files are copied
under new application ids until there are --apps applications (seal crops with them), then
`jiebang review serve` runs on the copy and the browser opens --samples application pages:
- page: first-contentful-paint of the application page (navigation start → paint), median / p90 / max;
- image cold: the first evidence image of a page not rendered yet (rendered from the source file into
  the cache under OUT) from setting its src to its load event;
- image warm: the same from the cache;
- bundle page: first-contentful-paint of the list of all applications;
- floor: the same server's near-empty page (filtered list), so the ratio page / floor is the page's own cost
  whatever the machine's load.
Goal (issue 19): under 300 ms for a page and for an image. Figures taken on a shared machine are noisy.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

GOAL_MS = 300
FCP = "performance.getEntriesByType('paint').filter(e => e.name === 'first-contentful-paint')[0].startTime"
PAINTED = "performance.getEntriesByType('paint').some(e => e.name === 'first-contentful-paint')"


def fcp(page) -> float:
    """First-contentful-paint of the page shown: the entry can come after the load event."""
    page.wait_for_function(PAINTED, timeout=30_000)
    return page.evaluate(FCP)
IMAGE_LOAD = """(src) => new Promise(resolve => {
  const img = document.getElementById('page-img');
  const t0 = performance.now();
  img.addEventListener('load', () => resolve(performance.now() - t0), {once: true});
  img.addEventListener('error', () => resolve(-1), {once: true});
  img.src = src;
})"""


def synthesize(src: Path, dest: Path, n: int, bundle: Path | None) -> list[str]:
    """dest gets n applications: the source ones first, then copies under new ids."""
    reviews = [p for p in sorted(src.glob("*/review.json"))]
    if not reviews:
        raise SystemExit(f"no review.json under {src}")
    dest.mkdir(parents=True)
    run = json.loads((src / "run.json").read_text(encoding="utf-8")) if (src / "run.json").is_file() else {}
    if bundle is not None:
        run.setdefault("parameters", {})["bundle"] = str(bundle.resolve())
    (dest / "run.json").write_text(json.dumps(run, ensure_ascii=False), encoding="utf-8")
    ids = []
    for i in range(n):
        r = reviews[i % len(reviews)]
        review = json.loads(r.read_text(encoding="utf-8"))
        app_id = review["application_id"] if i < len(reviews) else f"{i + 1:03d}_{review['application_id']}"
        shutil.copytree(r.parent, dest / app_id, ignore=shutil.ignore_patterns("review.docx"))
        review["application_id"] = app_id
        (dest / app_id / "review.json").write_text(json.dumps(review, ensure_ascii=False), encoding="utf-8")
        ids.append(app_id)
    return ids


def stats(xs: list[float]) -> str:
    xs = sorted(xs)
    p90 = xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
    return f"median {statistics.median(xs):6.0f} ms   p90 {p90:6.0f} ms   max {xs[-1]:6.0f} ms   (n={len(xs)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--bundle", type=Path, default=None)
    ap.add_argument("--apps", type=int, default=100)
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--keep", type=Path, default=None)
    a = ap.parse_args()

    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    from workbench_support import CHROMIUM, CHROMIUM_ARGS, Server

    base = a.keep or Path(tempfile.mkdtemp(prefix="jiebang-wb-bench-"))
    out = base / "out"
    ids = synthesize(a.out, out, a.apps, a.bundle)
    server = Server(out)
    pages_ms, cold_ms, warm_ms = [], [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(server.url)
            page.wait_for_load_state("load")
            bundle_fcp = fcp(page)
            floor = []  # the same server's near-empty page: browser + server floor under today's load
            for _ in range(5):
                page.goto(f"{server.base}/?status=decided")
                page.wait_for_load_state("load")
                floor.append(fcp(page))
            step = max(1, len(ids) // a.samples)
            for app_id in ids[::step][: a.samples]:
                page.goto(f"{server.base}/app/{quote(app_id, safe='')}")
                page.wait_for_load_state("load")
                pages_ms.append(fcp(page))
                srcs = page.eval_on_selector_all("ol.evidence li[data-src]", "els => els.map(e => e.dataset.src)")
                if not srcs:
                    continue
                page.evaluate("document.getElementById('page-img').removeAttribute('src')")
                src = srcs[-1]
                for f in (out / ".workbench" / "pages").glob("*.jpg"):  # force a render from the source
                    f.unlink()
                t = page.evaluate(IMAGE_LOAD, f"{src}?cold{len(cold_ms)}")
                if t >= 0:
                    cold_ms.append(t)
                t = page.evaluate(IMAGE_LOAD, f"{src}?warm{len(warm_ms)}")
                if t >= 0:
                    warm_ms.append(t)
            browser.close()
    finally:
        server.stop()
        if a.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    print(f"workbench on {len(ids)} applications (copies of {a.out}); chromium headless; machine shared, figures noisy")
    print(f"near-empty page first paint  {stats(floor)}   (floor)")
    print(f"bundle page first paint      {bundle_fcp:6.0f} ms  (first request, {len(ids)} rows)")
    print(f"application page first paint {stats(pages_ms)}   "
          f"ratio to floor {statistics.median(pages_ms) / statistics.median(floor):.2f}")
    if cold_ms:
        print(f"evidence image, cold render  {stats(cold_ms)}")
    if warm_ms:
        print(f"evidence image, from cache   {stats(warm_ms)}")
    worst = max([statistics.median(pages_ms)] + ([statistics.median(warm_ms)] if warm_ms else []))
    print(f"goal < {GOAL_MS} ms (page, cached image medians): {'met' if worst < GOAL_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
