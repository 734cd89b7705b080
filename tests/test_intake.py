"""Bundle intake: submissions from folders and zips, and a zip that tries to escape or explode."""
from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import RunError
from pipeline.intake import Limits, open_bundle
from pipeline.intake.names import decode_name


class GbkInfo(zipfile.ZipInfo):
    """Writes the name as GBK bytes without the UTF-8 flag, as Chinese Windows zip tools do."""

    def _encodeFilenameFlags(self):  # noqa: N802 (CPython hook)
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def _info(name: str, **kw) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    for k, v in kw.items():
        setattr(info, k, v)
    return info


def _mark_encrypted(path: Path, name: str) -> None:
    """zipfile never writes the encryption flag itself: set bit 0 in both headers of one entry."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    data[info.header_offset + 6] |= 0x1
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        n = int.from_bytes(data[pos + 28:pos + 30], "little")
        if bytes(data[pos + 46:pos + 46 + n]) == name.encode():
            data[pos + 8] |= 0x1
        pos = data.find(b"PK\x01\x02", pos + 46)
    path.write_bytes(bytes(data))


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def test_folder_bundle_one_submission_per_top_level_entry(tmp_path):
    b = tmp_path / "bundle"
    (b / "公司乙").mkdir(parents=True)
    (b / "公司甲.pdf").write_bytes(b"%PDF-1.4")
    (b / "公司乙" / "10.jpg").write_bytes(b"x")
    (b / "公司乙" / "2.jpg").write_bytes(b"x")
    (b / "公司乙" / "附件" ).mkdir()
    (b / "公司乙" / "附件" / "1.png").write_bytes(b"x")
    (b / ".DS_Store").write_bytes(b"x")
    (b / "Thumbs.db").write_bytes(b"x")
    (b / "公司乙" / ".hidden.jpg").write_bytes(b"x")
    (b / "空文件夹").mkdir()
    bundle = open_bundle(b, tmp_path / "work")
    got = {s.name: s.files for s in bundle.submissions}
    assert got == {
        "公司甲.pdf": ("公司甲.pdf",),
        "公司乙": ("公司乙/2.jpg", "公司乙/10.jpg", "公司乙/附件/1.png"),
        "空文件夹": (),
    }
    assert bundle.errors["空文件夹"][0].code == "no_pages"
    assert bundle.root == b
    assert not (tmp_path / "work").exists()  # a folder bundle is read in place


def test_missing_bundle_and_unopenable_zip_are_one_line_run_errors(tmp_path):
    with pytest.raises(RunError) as e:
        open_bundle(tmp_path / "nope.zip", tmp_path / "w")
    assert "\n" not in str(e.value)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(RunError) as e:
        open_bundle(bad, tmp_path / "w")
    assert "bad.zip" in str(e.value) and "\n" not in str(e.value)


def test_gbk_names_without_utf8_flag_decode(tmp_path):
    z = tmp_path / "渝北区.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr(GbkInfo("重庆某科技有限公司/申报书.pdf"), b"%PDF-1.4 a")
        zf.writestr(GbkInfo("附件4推荐表.pdf"), b"%PDF-1.4 b")
        zf.writestr(_info("utf8名称.pdf"), b"%PDF-1.4 c")  # zipfile sets the 0x800 flag itself
    with zipfile.ZipFile(z) as zf:
        raw = [i for i in zf.infolist() if not i.flag_bits & 0x800]
        assert len(raw) == 2 and "申报书" not in raw[0].filename  # really stored as GBK bytes
        assert decode_name(raw[0]) == "重庆某科技有限公司/申报书.pdf"
    bundle = open_bundle(z, tmp_path / "work")
    names = [s.name for s in bundle.submissions]
    assert names == ["utf8名称.pdf", "重庆某科技有限公司", "附件4推荐表.pdf"] or set(names) == {
        "utf8名称.pdf", "重庆某科技有限公司", "附件4推荐表.pdf"}
    assert (bundle.root / "重庆某科技有限公司" / "申报书.pdf").read_bytes() == b"%PDF-1.4 a"
    assert not bundle.errors


def test_hostile_zip_keeps_good_application_and_records_each_bad_entry(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    work = tmp_path / "out" / ".work"
    z = tmp_path / "bundle.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr(_info("好公司/申报书.pdf"), b"%PDF-1.4 good")
        zf.writestr(_info("../../outside/evil.pdf"), b"evil")
        zf.writestr(_info("坏公司/../../../outside/evil2.pdf"), b"evil")
        zf.writestr(_info("C:/Windows/evil3.pdf"), b"evil")
        link = _info("链接公司/passwd.pdf", create_system=3, external_attr=(stat.S_IFLNK | 0o777) << 16)
        zf.writestr(link, str(outside / "target"))
        zf.writestr(_info("加密公司.pdf"), b"secret")
        zf.writestr(_info("炸弹公司.pdf"), b"\0" * (40 << 20))  # 40 MiB of zeros → ~40 KiB
        zf.writestr(_info("__MACOSX/._好公司"), b"junk")
    _mark_encrypted(z, "加密公司.pdf")
    before = _files_under(tmp_path)
    bundle = open_bundle(z, work, Limits(max_entry_bytes=30 << 20))
    subs = {s.name: s.files for s in bundle.submissions}
    assert subs["好公司"] == ("好公司/申报书.pdf",)
    assert (bundle.root / "好公司" / "申报书.pdf").read_bytes() == b"%PDF-1.4 good"
    # every refused entry is some submission's unsafe_entry error with a plain Chinese reason
    errs = {k: [e.message for e in v] for k, v in bundle.errors.items()}
    assert all(e.code == "unsafe_entry" for v in bundle.errors.values() for e in v)
    assert any("../" in m for m in errs["outside"])
    assert any("../" in m for m in errs["坏公司"])
    assert any("绝对路径" in m for m in errs["Windows"])
    assert any("符号链接" in m for m in errs["链接公司"])
    assert any("加密" in m for m in errs["加密公司.pdf"])
    assert any("大小" in m or "压缩炸弹" in m for m in errs["炸弹公司.pdf"])
    # refused entries still appear as submissions (so each gets a review sheet), with no files
    for name in ("outside", "坏公司", "Windows", "链接公司", "加密公司.pdf", "炸弹公司.pdf"):
        assert subs[name] == ()
    # nothing written outside the work folder, no symlink created
    new = _files_under(tmp_path) - before
    assert new and all(p == work.parent or p.is_relative_to(work) for p in new)
    assert not list(outside.iterdir())
    assert not any(p.is_symlink() for p in work.rglob("*"))
    assert all(p.resolve().is_relative_to(work.resolve()) for p in work.rglob("*"))


def test_ratio_bomb_is_refused_even_under_size_limit(tmp_path):
    z = tmp_path / "b.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr(_info("bomb.pdf"), b"\0" * (12 << 20))
        zf.writestr(_info("ok.pdf"), os.urandom(1 << 16))
    bundle = open_bundle(z, tmp_path / "w")
    assert "压缩比" in bundle.errors["bomb.pdf"][0].message
    assert {s.name: s.files for s in bundle.submissions}["ok.pdf"] == ("ok.pdf",)
    assert not (bundle.root / "bomb.pdf").exists()


def test_file_count_limit_and_single_wrapper_folder(tmp_path):
    z = tmp_path / "bundle.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for i in range(5):
            zf.writestr(_info(f"渝北区材料/公司{i}/p.pdf"), b"%PDF")
    bundle = open_bundle(z, tmp_path / "w", Limits(max_files=3))
    names = [s.name for s in bundle.submissions]
    assert names == [f"公司{i}" for i in range(5)]  # the wrapper folder is looked into
    assert [bool(s.files) for s in bundle.submissions] == [True, True, True, False, False]
    assert "文件数超过上限" in bundle.errors["公司4"][0].message
