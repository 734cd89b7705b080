"""Application ids are stable and safe; hostile names never leave the output folder; writes are atomic."""
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.report.atomic import UnsafePathError, safe_child, sanitize_name, write_bytes_atomic, write_text_atomic
from pipeline.report.ids import application_id, slug

H1, H2 = "a" * 64, "b" * 64


def test_application_id_is_stable_and_readable():
    first = application_id("江北区/星辰创新社区申报书.pdf", [H1, H2])
    assert first == application_id("江北区/星辰创新社区申报书.pdf", [H2, H1])  # file order does not matter
    stem, digest = first.rsplit("-", 1)
    assert stem == "星辰创新社区申报书"
    assert len(digest) == 10 and int(digest, 16) >= 0
    assert application_id("星辰创新社区申报书.pdf", [H1]) != first  # different contents → different id


def test_application_id_slug_rules():
    assert slug("Ｏｐｅｎ　Ｓｏｕｒｃｅ（2026）") == "Open_Source_2026"  # NFKC folds full-width forms
    assert slug("..") == "submission" and slug("") == "submission" and slug("///") == "submission"
    assert len(slug("长" * 100)) == 40
    assert application_id("../../etc/passwd", [H1]).startswith("passwd-")
    assert application_id("..", [H1]).startswith("submission-")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_application_id_always_one_safe_component(name):
    aid = application_id(name, [H1])
    assert aid not in (".", "..") and "/" not in aid and "\\" not in aid and "\x00" not in aid
    assert 12 <= len(aid) <= 51
    assert sanitize_name(aid) == aid


HOSTILE = ["../../x", "/etc/passwd", "C:\\x", "C:x", "..", ".", "", "a\x00b", "x/../../y", "\\\\server\\share",
           "CON", "nul.txt", "com1", " .. ", "…/..", "\u2024\u2024", "a" * 500 + ".docx"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_stay_inside(tmp_path, name):
    out = tmp_path / "out"
    out.mkdir()
    child = safe_child(out, name)
    assert child.parent == out.resolve()
    assert child.name not in (".", "..", "") and "\x00" not in child.name
    assert child.name.split(".")[0].upper() not in {"CON", "NUL", "COM1"}
    write_text_atomic(child, "内容")
    assert child.read_text(encoding="utf-8") == "内容"
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing written beside out/


def test_symlink_pointing_outside_is_refused(tmp_path):
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "app-0123456789").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePathError):
        safe_child(out, "app-0123456789")
    (out / "inner").mkdir()
    (out / "link-in").symlink_to(out / "inner")
    assert safe_child(out, "link-in") == out.resolve() / "link-in"  # a link that stays inside is fine


def test_atomic_write_replaces_a_planted_file_symlink_instead_of_following_it(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("original")
    out = tmp_path / "out"
    out.mkdir()
    (out / "review.json").symlink_to(victim)
    write_text_atomic(out / "review.json", "{}")
    assert victim.read_text() == "original"
    assert not (out / "review.json").is_symlink() and (out / "review.json").read_text() == "{}"


def test_atomic_write_leaves_no_temp_files_and_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "a.bin"
    write_bytes_atomic(target, b"one")
    write_bytes_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())

    with pytest.raises(TypeError):
        write_bytes_atomic(target, object())  # fails mid-write
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.bin"]


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m
