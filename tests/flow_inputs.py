"""Small real bundles for the flow tests: scanned pages rendered here (Tesseract reads each in about
a second at 150 dpi), a DOCX, a corrupt PDF, and a hostile zip."""
from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DPI = 150


def scan_page(lines: list[str], seal: bool = False) -> bytes:
    """A JPEG 'scan' of an A4 page at 150 dpi with the given lines (and a red round seal)."""
    w, h = int(8.27 * DPI), int(11.69 * DPI)
    img = Image.new("RGB", (w, h), (250, 248, 240))
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 30)
    y = 140
    for line in lines:
        d.text((110, y), line, fill=(20, 20, 20), font=font)
        y += 60
    if seal:
        cx, cy, r = w - 330, y + 40, 110
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(210, 30, 30), width=9)
        d.regular_polygon((cx, cy, 32), 5, fill=(210, 30, 30))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85, dpi=(DPI, DPI))
    return buf.getvalue()


def application_pages(name: str, uscc: str, track: str = "创新创业社区") -> list[bytes]:
    return [
        scan_page([f"重庆市软件产业{track}申报书", f"申报单位名称：{name}", f"统一社会信用代码：{uscc}",
                   "申报日期：2026年7月10日"]),
        scan_page(["承诺书", "本单位承诺所提交材料真实有效。", f"申报单位（盖章）：{name}", "2026年7月10日"], seal=True),
    ]


def write_docx(path: Path, lines: list[str]) -> None:
    from docx import Document

    d = Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(path)


def make_bundle(root: Path) -> Path:
    """4 submissions: a JPEG folder (2 pages), a DOCX, a corrupt PDF, a one-page scan."""
    root.mkdir(parents=True)
    app = root / "01_创新_重庆甲科技有限公司"
    app.mkdir()
    for i, page in enumerate(application_pages("重庆甲科技有限公司", "91500000MA5U6KAX0N"), 1):
        (app / f"{i:02d}.jpg").write_bytes(page)
    write_docx(root / "02_开源_重庆乙软件有限公司.docx",
               ["重庆市软件产业开源社区申报书", "牵头单位：重庆乙软件有限公司", "统一社会信用代码：91500105MA60XXEL0J"])
    (root / "03_损坏的申报书.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n% truncated here")
    (root / "04_附件4_渝北区推荐表.jpg").write_bytes(
        scan_page(["附件4", "申报单位推荐表", "推荐单位（盖章）：渝北区经济和信息化委员会"], seal=True))
    return root


def make_hostile_zip(path: Path, outside: Path) -> Path:
    """A good application beside a '../' entry, a symlink and a zip bomb."""
    good = application_pages("重庆丙数据有限公司", "91500000MA5U6KAX0N")[0]

    def info(name: str, **kw) -> zipfile.ZipInfo:
        i = zipfile.ZipInfo(name)
        i.compress_type = zipfile.ZIP_DEFLATED
        for k, v in kw.items():
            setattr(i, k, v)
        return i

    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(info("01_好的申报单位/01.jpg"), good)
        zf.writestr(info("../../逃逸.pdf"), b"%PDF-1.4 evil")
        zf.writestr(info("02_链接/passwd.pdf", create_system=3, external_attr=(stat.S_IFLNK | 0o777) << 16),
                    str(outside / "target"))
        zf.writestr(info("03_炸弹.pdf"), b"\0" * (64 << 20))
    return path


def server_environ(proc, timeout: float = 20.0) -> dict:
    """The environment the embedded server process was started with, as the OS holds it. Read right
    after the spawn, /proc may still show the spawning moment (empty, or the parent's environment
    before the exec: a CI run under load failed both ways), so wait for the variable every spawn sets."""
    import time

    import psutil

    deadline = time.monotonic() + timeout
    while True:
        env = psutil.Process(proc.pid).environ()
        if env.get("PREFECT__SERVER_EPHEMERAL") == "1" or time.monotonic() > deadline:
            return env
        time.sleep(0.05)
