"""The workbench's guards and page plumbing on a small output made here (one scanned page through the
real readers): token, loopback Host check, CSRF, only files under OUT, escaped text, evidence hashes."""
from __future__ import annotations

import hashlib
import json
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from pipeline.workbench.db import Repository
from pipeline.workbench.evidence import evidence_hash
from pipeline.workbench.web import Workbench, create_app
from workbench_support import Server

APP_ID = "01_创新_测试-0123456789"


def _output(tmp_path: Path, detail: str = "单位性质为企业") -> tuple[Path, Path]:
    bundle, out = tmp_path / "bundle", tmp_path / "out"
    bundle.mkdir()
    img = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(img).rectangle((200, 300, 800, 360), outline="black", width=4)
    img.save(bundle / "01.png")
    (out / APP_ID).mkdir(parents=True)
    Image.new("RGB", (100, 100), (220, 30, 30)).save(out / APP_ID / "seal_01.png")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    sha = hashlib.sha256((bundle / "01.png").read_bytes()).hexdigest()
    review = {
        "application_id": APP_ID, "entry": "01_创新_测试.png", "verdict": "needs_review", "track": "innovation_community",
        "source": {"files": [{"path": "01.png", "sha256": sha, "pages": 1}], "pages": 1},
        "applicant": {"name": "重庆测试科技有限公司", "uscc": None}, "consortium": [],
        "seals": [{"file": "01.png", "page": 1, "bbox": [0.1, 0.1, 0.2, 0.2], "kind": "round", "text": "",
                   "matched_unit": None, "crop": "seal_01.png"},
                  {"file": "01.png", "page": 1, "bbox": [0.3, 0.1, 0.4, 0.2], "kind": "round", "text": "",
                   "matched_unit": None, "crop": "../../secret.txt"}],
        "checks": [{"rule": "entity.type_allowed", "unit": "重庆测试科技有限公司", "status": "review",
                    "detail": detail, "requirement": "", "clause": "一(一)1",
                    "evidence": [{"file": "01.png", "page": 1, "bbox": [0.16, 0.17, 0.65, 0.21], "text": "单位性质"}]}],
        "errors": [],
    }
    (out / APP_ID / "review.json").write_text(json.dumps(review, ensure_ascii=False), encoding="utf-8")
    return bundle, out


def _client(out: Path, bundle: Path, token: str | None = None) -> TestClient:
    wb = Workbench(out=out.resolve(), repo=Repository.open(out), bundle=bundle.resolve())
    return TestClient(create_app(wb, token=token), base_url="http://127.0.0.1")


def _url(suffix: str = "") -> str:
    from urllib.parse import quote

    return f"/app/{quote(APP_ID)}{suffix}"


def test_page_image_is_rendered_into_the_cache_under_out(tmp_path):
    bundle, out = _output(tmp_path)
    c = _client(out, bundle)
    r = c.get(_url("/page/0/1.jpg"))
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    cached = list((out / ".workbench" / "pages").glob("*.jpg"))
    assert len(cached) == 1 and cached[0].read_bytes() == r.content
    for bad in ("/page/1/1.jpg", "/page/0/2.jpg", "/page/0/0.jpg", "/page/-1/1.jpg"):
        assert c.get(_url(bad)).status_code in (404, 422)
    assert c.get(_url("/seal/0.png")).status_code == 200
    assert c.get(_url("/seal/1.png")).status_code == 404  # crop name pointing outside OUT
    assert c.get("/static/../web.py").status_code == 404
    assert c.get("/static/%2e%2e/web.py").status_code == 404
    # a source file changed since the run: no image, a reason
    cached[0].unlink()
    (bundle / "01.png").write_bytes((bundle / "01.png").read_bytes() + b"x")
    r = c.get(_url("/page/0/1.jpg"))
    assert r.status_code == 404 and "原件已变更" in r.text


def test_token_is_required_on_every_request(tmp_path):
    bundle, out = _output(tmp_path)
    c = _client(out, bundle, token="s3cret-token")
    assert c.get("/").status_code == 401
    assert c.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert c.get("/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    r = c.get("/?token=s3cret-token&status=open", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/?status=open"
    assert c.get("/").status_code == 200  # the cookie set by the redirect
    assert c.get(_url("/page/0/1.jpg")).status_code == 200


def test_loopback_host_only_without_token(tmp_path):
    bundle, out = _output(tmp_path)
    c = _client(out, bundle)
    assert c.get("/").status_code == 200
    assert c.get("/", headers={"Host": "attacker.example"}).status_code == 403


def test_writes_need_the_csrf_token(tmp_path):
    bundle, out = _output(tmp_path)
    c = _client(out, bundle)
    page = c.get(_url())
    csrf = c.cookies.get("jb_csrf")
    assert csrf and f'value="{csrf}"' in page.text
    form = {"index": "0", "action": "overrule", "status": "pass", "comment": "企业，营业执照可证", "reviewer": "张三"}
    assert c.post(_url("/decide"), data=form, follow_redirects=False).status_code == 403
    assert c.post(_url("/decide"), data={**form, "csrf": "forged"}, follow_redirects=False).status_code == 403
    r = c.post(_url("/decide"), data={**form, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    rows = Repository.open(out).history()
    assert [(d.reviewer, d.old_status, d.new_status, d.comment) for d in rows] == [
        ("张三", "review", "pass", "企业，营业执照可证")]
    # a refused decision comes back as a message, nothing stored
    r = c.post(_url("/decide"), data={**form, "csrf": csrf, "comment": ""})
    assert "改判须填写理由" in r.text and len(Repository.open(out).history()) == 1


def test_document_text_is_escaped(tmp_path):
    bundle, out = _output(tmp_path, detail="<script>alert(1)</script>{{ 7*7 }}")
    html = _client(out, bundle).get(_url()).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in html
    assert "<script>alert" not in html and "49" not in html


def test_evidence_hash_ignores_float_noise_not_content():
    c = {"rule": "site.lease_term", "unit": None, "status": "fail", "detail": "租期2年",
         "evidence": [{"file": "a.pdf", "page": 2, "bbox": [0.1, 0.2, 0.3, 0.4], "text": "租期"}]}
    noisy = json.loads(json.dumps(c))
    noisy["evidence"][0]["bbox"] = [0.1000001, 0.2, 0.3, 0.4]
    assert evidence_hash(c) == evidence_hash(noisy)
    for change in ({"status": "pass"}, {"detail": "租期3年"}):
        assert evidence_hash({**c, **change}) != evidence_hash(c)
    moved = json.loads(json.dumps(c))
    moved["evidence"][0]["page"] = 3
    assert evidence_hash(moved) != evidence_hash(c)


def test_serve_off_loopback_generates_a_token(tmp_path):
    bundle, out = _output(tmp_path)
    server = Server(out, "--host", "0.0.0.0", "--bundle", str(bundle))
    try:
        token_line = next(line for line in server.lines if "token" in line)
        token = token_line.rsplit(":", 1)[1].strip()
        assert len(token) >= 24 and f"?token={token}" in server.url
        base = server.base.replace("0.0.0.0", "127.0.0.1")
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(base + "/", timeout=10)
        assert exc.value.code == 401
        req = urllib.request.Request(base + "/", headers={"Authorization": f"Bearer {token}"})
        assert urllib.request.urlopen(req, timeout=10).status == 200
    finally:
        server.stop()
