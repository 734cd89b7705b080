"""The applicant's code when no reading of it passes its check characters (entity.code_fact). Dev seed
1424 #010 (JPEG folder, a planted wrong check character): the basic-information table read
91500118MAEU771T0D, the licence 91500118MAEU71T0D (a doubled 7 read once); neither valid, the 17-character
one won on confidence. A reading of the code's length beats one that surely lost a character. Through the
folder written as the bundle writes it and read by the real reader."""
from __future__ import annotations

from family2_pages import read_planned_folder

from pipeline.checks.engine import run_checks
from pipeline.checks.rules import load_rules
from pipeline.extract import extract_facts

RULES = load_rules()


def test_an_eighteen_character_reading_beats_a_short_one_when_none_is_valid_through_ocr(tmp_path):
    sub, docs = read_planned_folder(tmp_path, 1424, 12, 9)
    exp = sub.truth["expected"]
    facts = extract_facts(docs)
    assert facts.applicant.uscc.value == exp["applicant"]["uscc"] == "91500118MAEU771T0D"
    got = {r.rule: r.status for r in run_checks(facts, RULES, None) if r.rule == "entity.uscc_valid"}
    assert got == {c["rule"]: c["status"] for c in exp["checks"] if c["rule"] == "entity.uscc_valid"} == \
        {"entity.uscc_valid": "review"}
