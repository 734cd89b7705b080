"""Page images for the workbench: each source page rendered once into a cache under OUT.

The source file is found from the run's bundle (OUT/run.json, or --bundle) and must still have the
sha256 review.json recorded; the page is taken out with the pipeline's own readers (so the image is the
one OCR read and its bboxes fit it) and stored as a JPEG under OUT/.workbench/pages/. Only cached files
under OUT are ever served.
"""
from __future__ import annotations

import io
import json
import threading
from functools import lru_cache
from pathlib import Path

from pipeline.report.atomic import write_bytes_atomic

CACHE_DIR = ".workbench/pages"
MAX_WIDTH = 1400
PDF_DPI = 150
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


class PageUnavailable(Exception):
    """A one-line Chinese reason why a page image cannot be shown."""


def bundle_root(out: Path, override: Path | None = None) -> Path | None:
    """--bundle, else the bundle named in OUT/run.json (absolute, or relative to where it was run)."""
    if override is not None:
        return Path(override).resolve()
    try:
        run = json.loads((Path(out) / "run.json").read_text(encoding="utf-8"))
        bundle = Path(run["parameters"]["bundle"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return bundle.resolve() if bundle.exists() else None


@lru_cache(maxsize=4096)
def _sha256(path: str, mtime_ns: int, size: int) -> str:
    from pipeline.reading import file_sha256

    return file_sha256(Path(path))


def source_file(root: Path | None, rel: str, sha256: str) -> Path:
    if root is None:
        raise PageUnavailable("找不到原始申报材料目录（请用 --bundle 指定）")
    path = (root / rel).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise PageUnavailable(f"原件不存在：{rel}")
    st = path.stat()
    if _sha256(str(path), st.st_mtime_ns, st.st_size) != sha256:
        raise PageUnavailable(f"原件已变更（SHA-256 与审查时不同）：{rel}")
    return path


def _render(path: Path, rel: str, page: int) -> bytes:
    from PIL import Image

    from pipeline.reading import load_raster, plan_document
    from pipeline.readers.sniff import sniff

    kind = sniff(path)
    if kind == "pdf":
        from pipeline.readers import pdf as pdfr

        doc, _ = pdfr.open_pdf(path, rel)
        try:
            raster = pdfr.raster(doc, page - 1, rel, dpi=PDF_DPI, crop=False)  # boxes are page fractions
        finally:
            doc.close()
    elif kind in ("tiff", "jpeg", "png", "bmp"):
        raster = load_raster(path, rel, ("image", page - 1), page)
    elif kind == "docx":
        plans, _, _ = plan_document(path, rel, kind, page)
        plan = next((p for p in plans if p.number == page), None)
        if plan is None or not plan.raster_ref:
            raise PageUnavailable("该页是 Word 文字内容，没有页面图像")
        raster = load_raster(path, rel, plan.raster_ref, page)
    else:
        raise PageUnavailable("无法显示此类文件")
    if raster is None:
        raise PageUnavailable("该页没有可显示的图像")
    img = Image.fromarray(raster.image)
    if img.width >= 2 * MAX_WIDTH:  # box-reduce first: a 300 dpi scan in a fraction of a resize's time
        img = img.reduce(img.width // MAX_WIDTH)
    if img.width > MAX_WIDTH:
        img = img.resize((MAX_WIDTH, round(img.height * MAX_WIDTH / img.width)), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=80)
    return buf.getvalue()


def page_image(out: Path, root: Path | None, rel: str, sha256: str, page: int) -> Path:
    """The cached JPEG of one page (rendered on first use). Raises PageUnavailable."""
    out = Path(out).resolve()
    if not isinstance(page, int) or page < 1:
        raise PageUnavailable("页码无效")
    target = out / CACHE_DIR / f"{sha256[:32]}_p{page}.jpg"
    if target.is_file():
        return target
    with _locks_guard:
        lock = _locks.setdefault(str(target), threading.Lock())
    with lock:
        if target.is_file():
            return target
        path = source_file(root, rel, sha256)
        try:
            data = _render(path, rel, page)
        except PageUnavailable:
            raise
        except Exception as exc:  # a page the readers cannot take out: say so, keep serving
            raise PageUnavailable(f"页面无法显示：{type(exc).__name__}") from exc
        write_bytes_atomic(target, data)
    return target


def inside(out: Path, candidate: Path) -> Path | None:
    """`candidate` resolved, when it is a file under OUT; else None (no traversal, no symlink escape)."""
    root = Path(out).resolve()
    try:
        p = candidate.resolve()
    except OSError:
        return None
    return p if p.is_relative_to(root) and p.is_file() else None


def prerender(out: Path, root: Path | None, apps, stop: threading.Event | None = None) -> int:
    """Render every page some evidence points at (first evidence of each check first), so a reviewer
    rarely waits for a render. Runs in a background thread of `review serve`; returns pages rendered."""
    wanted: list[tuple[str, str, int]] = []
    for app in apps:
        files = {f["path"]: f for f in app.review.get("source", {}).get("files", [])}
        for c in app.checks:
            for e in c.evidence[:1] + c.evidence[1:]:
                f = files.get(e.get("file"))
                if f and isinstance(e.get("page"), int):
                    wanted.append((f["path"], f["sha256"], e["page"]))
    done = 0
    for rel, sha, page in dict.fromkeys(wanted):
        if stop is not None and stop.is_set():
            break
        try:
            page_image(out, root, rel, sha, page)
            done += 1
        except PageUnavailable:
            continue
    return done
