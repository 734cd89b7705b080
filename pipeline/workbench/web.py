"""The workbench web app: FastAPI routes over server-rendered Jinja2 pages (no front-end build).

Everything a page shows comes from review.json (untrusted document text: Jinja2 autoescapes it) and
the decision rows. Document files are served only from OUT (page-image cache, seal crops).
"""
from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from pipeline.report.texts import label
from pipeline.workbench import pages
from pipeline.workbench.actions import Refused, check_decision, seal_decision
from pipeline.workbench.db import Repository
from pipeline.workbench.outputs import Application, load_application, track_label
from pipeline.workbench.security import Guard
from pipeline.workbench.state import AppState, app_state, bundle_state

_HERE = Path(__file__).parent
CST = dt.timezone(dt.timedelta(hours=8))
FILTERS = {"all": "全部", "open": "待审核", "fail": "有不符合项", "review": "有需复核项", "decided": "已审结"}


@dataclass
class Workbench:
    out: Path
    repo: Repository
    bundle: Path | None = None
    reviewer: str = ""
    _cache: dict[str, tuple[tuple[int, int], Application]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def applications(self) -> list[Application]:
        """Reloaded when a review.json changes (a rerun), else from memory."""
        apps = []
        for p in sorted(self.out.glob("*/review.json")):
            st = p.stat()
            sig = (st.st_mtime_ns, st.st_size)
            with self._lock:
                hit = self._cache.get(str(p))
            if hit is None or hit[0] != sig:
                hit = (sig, load_application(p.parent))
                with self._lock:
                    self._cache[str(p)] = hit
            apps.append(hit[1])
        return apps

    def application(self, application_id: str) -> Application:
        for a in self.applications():
            if a.application_id == application_id:
                return a
        raise HTTPException(404, "没有这个申报编号")

    def state(self, application_id: str) -> AppState:
        app = self.application(application_id)
        return app_state(app, self.repo.history(application_id))


def _local_time(t: dt.datetime | None) -> str:
    if t is None:
        return ""
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(CST).strftime("%Y-%m-%d %H:%M")


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(_HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(label=label, track_label=track_label, local_time=_local_time, filters=FILTERS)
    env.filters["q"] = lambda s: quote(str(s), safe="")
    return env


def create_app(wb: Workbench, *, token: str | None = None) -> FastAPI:
    env = _env()
    for name in ("bundle.html", "application.html"):  # compiled now, not on the first request
        env.get_template(name)
    app = FastAPI(title="揭榜挂帅审核工作台", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(Guard, token=token)
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")

    def render(request: Request, name: str, **ctx) -> HTMLResponse:
        reviewer = unquote(request.cookies.get("jb_reviewer", "")) or wb.reviewer
        html = env.get_template(name).render(csrf=request.state.csrf, reviewer=reviewer, **ctx)
        return HTMLResponse(html)

    def back(application_id: str, anchor: str = "", msg: str = "") -> RedirectResponse:
        url = f"/app/{quote(application_id, safe='')}"
        if msg:
            url += f"?msg={quote(msg, safe='')}"
        return RedirectResponse(url + (f"#{anchor}" if anchor else ""), status_code=303)

    def remember(resp: Response, reviewer: str) -> Response:
        reviewer = " ".join((reviewer or "").split())[:200]
        if reviewer:
            resp.set_cookie("jb_reviewer", quote(reviewer), samesite="strict", httponly=True)
        return resp

    @app.get("/", response_class=HTMLResponse)
    def bundle_page(request: Request, status: str = "all", msg: str = ""):
        states = bundle_state(wb.applications(), wb.repo.history())
        shown = [s for s in states if _matches(s, status)]
        decided = sum(1 for s in states if s.decided)
        return render(request, "bundle.html", states=shown, total=len(states), decided=decided,
                      status=status if status in FILTERS else "all", msg=msg, out=str(wb.out))

    @app.get("/app/{application_id}", response_class=HTMLResponse)
    def application_page(request: Request, application_id: str, msg: str = ""):
        st = wb.state(application_id)
        files = {f["path"]: i for i, f in enumerate(st.app.review.get("source", {}).get("files", []))}
        ids = [a.application_id for a in wb.applications()]
        i = ids.index(application_id)
        return render(request, "application.html", s=st, files=files, msg=msg,
                      prev_id=ids[i - 1] if i > 0 else None, next_id=ids[i + 1] if i + 1 < len(ids) else None)

    @app.get("/app/{application_id}/page/{file_index}/{page}.jpg")
    def page_image(application_id: str, file_index: int, page: int):
        app_ = wb.application(application_id)
        files = app_.review.get("source", {}).get("files", [])
        if not 0 <= file_index < len(files):
            raise HTTPException(404, "文件不存在")
        f = files[file_index]
        if page < 1 or page > int(f.get("pages") or 0):
            raise HTTPException(404, "页码不存在")
        try:
            path = pages.page_image(wb.out, wb.bundle, f["path"], f["sha256"], page)
        except pages.PageUnavailable as exc:
            return Response(str(exc), status_code=404, media_type="text/plain; charset=utf-8")
        served = pages.inside(wb.out, path)
        if served is None:
            raise HTTPException(404)
        return FileResponse(served, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/app/{application_id}/seal/{index}.png")
    def seal_crop(application_id: str, index: int):
        app_ = wb.application(application_id)
        seals = app_.review.get("seals") or []
        if not 0 <= index < len(seals) or not seals[index].get("crop"):
            raise HTTPException(404)
        served = pages.inside(wb.out, app_.dir / str(seals[index]["crop"]))
        if served is None or not served.is_relative_to(app_.dir.resolve()):
            raise HTTPException(404)
        return FileResponse(served, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.post("/app/{application_id}/decide")
    def decide(application_id: str, index: int = Form(...), action: str = Form(...), status: str = Form(""),
               comment: str = Form(""), reviewer: str = Form("")):
        st = wb.state(application_id)
        if not 0 <= index < len(st.checks):
            raise HTTPException(404)
        try:
            wb.repo.add([check_decision(st, st.checks[index], action, reviewer=reviewer, status=status,
                                        comment=comment)])
        except Refused as exc:
            return remember(back(application_id, f"check-{index}", str(exc)), reviewer)
        return remember(back(application_id, f"check-{index}"), reviewer)

    @app.post("/app/{application_id}/confirm-passes")
    def confirm_passes(application_id: str, reviewer: str = Form("")):
        st = wb.state(application_id)
        try:
            rows = [check_decision(st, c, "confirm", reviewer=reviewer) for c in st.checks
                    if c.open and c.item.status == "pass"]
            wb.repo.add(rows)
        except Refused as exc:
            return remember(back(application_id, "", str(exc)), reviewer)
        return remember(back(application_id, "", f"已确认 {len(rows)} 项符合项"), reviewer)

    @app.post("/app/{application_id}/seal")
    def seal(application_id: str, index: int = Form(...), action: str = Form(...), unit: str = Form(""),
             comment: str = Form(""), reviewer: str = Form("")):
        st = wb.state(application_id)
        if not 0 <= index < len(st.seals):
            raise HTTPException(404)
        try:
            wb.repo.add([seal_decision(st, st.seals[index], action, reviewer=reviewer, unit=unit, comment=comment)])
        except Refused as exc:
            return remember(back(application_id, f"seal-{index}", str(exc)), reviewer)
        return remember(back(application_id, f"seal-{index}"), reviewer)

    @app.post("/export")
    def export_(days: int = Form(5), start: str = Form(""), allow_open: str = Form("")):
        from pipeline.workbench.export import ExportRefused, export

        try:
            start_date = dt.date.fromisoformat(start) if start else None
            result = export(wb.out, wb.repo, publicity_days=days, publicity_start=start_date,
                            allow_open=bool(allow_open))
            msg = result.message
        except (ExportRefused, ValueError) as exc:
            msg = str(exc)
        return RedirectResponse(f"/?msg={quote(msg, safe='')}", status_code=303)

    return app


def _matches(s: AppState, status: str) -> bool:
    if status == "open":
        return not s.decided
    if status == "decided":
        return s.decided
    if status in ("fail", "review"):
        return s.count(status) > 0
    return True
