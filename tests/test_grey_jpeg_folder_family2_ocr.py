"""A greyscale JPEG-folder application (dev seed 935 #009), read as a run reads a folder:
- its three seals were found by shape and never read (only red ink was looked for), and the places
  beside them named no unit OCR could read (化利保进 at 乙方（盖章）, nothing at 丙方): both members'
  seal.present came out review. Grey seals are read by darkness now (`seals.read._grey_ink`);
- the agreement's 甲方作为联合体牵头人、代码贡献方 was read 用方作为……: the lead lost its code contributor
  role (consortium.patterns `party_alias_misreads`)."""
from __future__ import annotations

from family2_pages import read_planned_folder

from pipeline.checks.rules import load_rules
from pipeline.process import analyse
from pipeline.reading import read_document


def test_grey_jpeg_folder_seals_read_and_lead_roles_kept(tmp_path):
    sub, _ = read_planned_folder(tmp_path, 935, 12, 8)
    reads = [read_document(tmp_path, f"part/{f.name}") for f in sorted((tmp_path / "part").iterdir())]
    facts, checks = analyse(reads, rules=load_rules(), credit=None, crops_dir=None, app_dir=None)
    want = {m["name"]: tuple(m["roles"]) for m in sub.truth["expected"]["consortium"]}
    assert {u.name.value: tuple(u.roles) for u in facts.consortium} == want
    seal = {c.unit: c.status for c in checks if c.rule == "seal.present"}
    assert seal == {name: "pass" for name in want}
    assert {c.rule: c.status for c in checks if c.rule.startswith("consortium.")} == {
        "consortium.size": "pass", "consortium.code_contributor": "pass", "consortium.application_unit": "pass"}
