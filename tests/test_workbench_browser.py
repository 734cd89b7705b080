"""End to end in a real headless browser (Playwright driving Debian's chromium) against
`jiebang review serve` on a real pipeline output of the demo bundle: evidence image with the bbox
highlighted, an overruled check kept over a reload and over a rerun, a check whose evidence changed
marked 需复核, export read back; hostile document text shown as text."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import chinese_calendar
import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from workbench_support import CHROMIUM, CHROMIUM_ARGS, CREDIT, ROOT, Server, env, run_pipeline, workspace

STALE = re.compile(r"\bstale\b")
SCREENSHOT = ROOT / "docs" / "workbench.png"
"""Rewritten (for the README) when JIEBANG_SCREENSHOT is set."""


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    # the hostile-text test turns the Content-Security-Policy off: escaping alone must hold
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN",
                              bypass_csp="hostile" in request.node.name)
    pg = ctx.new_page()
    yield pg
    ctx.close()


def _check(page, rule: str):
    return page.locator("article.check", has=page.locator(f"code:text-is('{rule}')")).first


def _blacklist(src: Path, dest: Path, name: str, uscc: str) -> Path:
    """The 失信被执行人 export with one more row: the demo's first applicant."""
    text = src.read_bytes().decode("gbk")
    row = (f"（2026）渝0101执9999号,{name},法人或其他组织,,,{uscc},张某,重庆市第五中级人民法院,重庆,"
           f"（2026）渝民初1号,2026-01-09,重庆市第五中级人民法院,支付货款,全部未履行,违反财产报告制度,2026-03-18")
    dest.write_bytes((text.rstrip("\r\n") + "\r\n" + row + "\r\n").encode("gbk"))
    return dest


def test_review_overrule_rerun_export(page, tmp_path):
    bundle, out = workspace(tmp_path)
    server = Server(out)
    try:
        page.goto(server.url)
        expect(page.locator("#progress")).to_have_text("已审结 0 / 5")
        app01 = json.loads(next(out.glob("01_*/review.json")).read_text(encoding="utf-8"))
        page.get_by_role("link", name=app01["application_id"]).click()
        expect(page.locator("h1")).to_have_text(app01["applicant"]["name"])

        # the first open check is selected: its evidence page is shown with the bbox highlighted
        hl = page.locator("#hl")
        expect(hl).to_be_visible()  # placed on the image's load event
        assert page.locator("#page-img").evaluate("i => i.complete && i.naturalWidth") > 500
        img_box, hl_box = page.locator("#page-img").bounding_box(), hl.bounding_box()
        assert img_box["width"] > 300 and 0 < hl_box["width"] < img_box["width"]
        assert img_box["x"] <= hl_box["x"] and hl_box["x"] + hl_box["width"] <= img_box["x"] + img_box["width"] + 1
        assert img_box["y"] <= hl_box["y"] and hl_box["y"] + hl_box["height"] <= img_box["y"] + img_box["height"] + 1
        # next evidence and zoom work on the same image
        page.locator("#zoom-in").click()
        assert page.locator("#page-img").bounding_box()["width"] > img_box["width"] * 1.3

        page.locator("#reviewer").fill("张审核")
        lease = _check(page, "site.lease_term")
        lease.click()
        lease.locator("select[name=status]").select_option("pass")
        lease.locator(".overrule-form input[name=comment]").fill("租赁合同附页载明续租条款，租期实为3年")
        lease.locator("button.overrule").click()
        page.wait_for_load_state()
        lease = _check(page, "site.lease_term")
        expect(lease.locator(".state")).to_contain_text("已改判")
        expect(lease.locator(".state")).to_contain_text("张审核")
        expect(lease.locator(".state")).to_contain_text("租期实为3年")

        # keyboard: select the credit check and confirm it with "c"
        credit = _check(page, "credit.dishonest_debtor")
        credit.locator("p.detail").click()
        with page.expect_navigation():
            page.keyboard.press("c")
        expect(_check(page, "credit.dishonest_debtor").locator(".state")).to_contain_text("审核决定")
        if os.environ.get("JIEBANG_SCREENSHOT"):
            _check(page, "site.lease_term").locator("p.detail").click()
            expect(page.locator("#hl")).to_be_visible()
            shot = tmp_path / "workbench.png"
            page.screenshot(path=str(shot))
            with Image.open(shot) as im:  # a small palette PNG for the README
                im.convert("RGB").quantize(colors=96, dither=Image.Dither.NONE).save(SCREENSHOT, optimize=True)

        page.reload()
        expect(_check(page, "site.lease_term").locator(".state")).to_contain_text("已改判")

        # rerun with the first applicant added to the 失信 list: its credit check changes, the rest not
        changed = _blacklist(CREDIT[0], tmp_path / "失信被执行人名单.csv", app01["applicant"]["name"],
                             app01["applicant"]["uscc"])
        run_pipeline(bundle, out, [changed, CREDIT[1]])
        page.reload()
        lease = _check(page, "site.lease_term")
        expect(lease.locator(".state")).to_contain_text("已改判")
        expect(lease).not_to_have_class(STALE)
        credit = _check(page, "credit.dishonest_debtor")
        expect(credit).to_have_class(STALE)
        expect(credit.locator(".state")).to_contain_text("需复核")
        expect(credit.locator(".state")).to_contain_text("原决定")

        # an application decided in full: confirm all its passes
        states = {p.parent.name: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*/review.json")}
        eligible = next(r for r in states.values() if r["verdict"] == "eligible" and r["track"] != "recommendation_form")
        page.goto(f"{server.base}/app/{eligible['application_id']}")
        page.get_by_role("button", name="确认全部系统判定“符合”的待决项").click()
        page.wait_for_load_state()
        expect(page.locator("#open-count")).to_have_text("0")

        # export refuses while decisions are open, naming them
        p = subprocess.run([sys.executable, "-m", "pipeline.cli", "review", "export", str(out)], env=env(),
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert p.returncode == 1 and app01["application_id"] in p.stderr and "未决" in p.stderr
        assert not (out / "final.xlsx").exists()

        # the button, allowing open items
        page.goto(server.base + "/")
        page.locator("input[name=start]").fill("2026-09-28")
        page.locator("input[name=allow_open]").check()
        page.locator("#export").click()
        page.wait_for_load_state()
        expect(page.locator(".msg")).to_contain_text("已导出")
    finally:
        server.stop()

    rows = list(load_workbook(out / "final.xlsx").active.iter_rows(values_only=True))
    by_id = {r[1]: r for r in rows[1:]}
    assert len(by_id) == 5
    assert by_id[eligible["application_id"]][5] == "拟通过" and by_id[eligible["application_id"]][6] == "张审核"
    row01 = by_id[app01["application_id"]]
    assert row01[5].startswith("待定") and "租期实为3年" in row01[8] and "需复核" in row01[9]
    doc = Document(str(out / "公示名单.docx"))
    names = [r.cells[1].text for r in doc.tables[0].rows[1:]]
    assert names == [eligible["applicant"]["name"]]
    end = list(chinese_calendar.get_workdays(dt.date(2026, 9, 28), dt.date(2026, 10, 31)))[4]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"至{end.year}年{end.month}月{end.day}日（5个工作日）" in text


HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE_IMG = "<img src=x onerror=\"window.__pwned=2\">"
HOSTILE_TEMPLATE = "{{7*7}}{% raw %}"


def test_hostile_document_text_is_shown_as_text(page, tmp_path):
    _, out = workspace(tmp_path)
    path = next(out.glob("01_*/review.json"))
    review = json.loads(path.read_text(encoding="utf-8"))
    long_line = "长" * 3000 + "A" * 3000
    review["applicant"]["name"] = HOSTILE_SCRIPT + long_line
    review["checks"][0]["detail"] = HOSTILE_IMG + HOSTILE_TEMPLATE
    review["checks"][0]["evidence"][0]["text"] = HOSTILE_SCRIPT + HOSTILE_TEMPLATE
    review["checks"][0]["evidence"][0]["file"] = "\"><script>window.__pwned=3</script>"
    review["seals"][0]["crop"] = "../../../../etc/passwd"
    path.write_text(json.dumps(review, ensure_ascii=False), encoding="utf-8")
    server = Server(out)
    try:
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(server.url)
        expect(page.locator("table.apps")).to_contain_text(HOSTILE_SCRIPT)
        page.goto(f"{server.base}/app/{review['application_id']}")
        expect(page.locator("h1")).to_contain_text(HOSTILE_SCRIPT)
        first = page.locator("article.check").first
        expect(first.locator("p.detail")).to_have_text(HOSTILE_IMG + HOSTILE_TEMPLATE)
        expect(first.locator("ol.evidence")).to_contain_text(HOSTILE_SCRIPT + HOSTILE_TEMPLATE)
        assert page.evaluate("window.__pwned") is None and not dialogs
        assert page.locator("h1 script, article script, article img[src=x]").count() == 0
        # very long lines wrap instead of widening the page
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 2")
        # the crop path from the sheet cannot reach outside OUT
        r = page.request.get(f"{server.base}/app/{review['application_id']}/seal/0.png")
        assert r.status == 404 and b"root:" not in r.body()
    finally:
        server.stop()
