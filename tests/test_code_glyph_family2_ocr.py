"""A member code whose wrapped last letter OCR read as a look-alike glyph (dev seed 1493 #003, image PDF): the
narrow code column's 12500118933190037 / J read 12500118933190037 / 」, no code was found for the member and
entity.uscc_valid was a review of a right code. labels.yaml code_glyphs: 」 at a code's end is J, taken only
when the 18 characters then pass both check characters (code_parts.glyph_code)."""
from __future__ import annotations

from pathlib import Path

from family2_pages import planned_facts


def test_member_code_with_a_lookalike_last_glyph_is_read(tmp_path: Path):
    expected, facts = planned_facts(tmp_path, 1493, 12, 2, ("members",))
    # (the members page alone: another member's name is read short here, the run mends it from other pages)
    got = {(m.uscc.value if m.uscc.found else None) for m in facts.consortium}
    assert got == {m["uscc"] for m in expected["consortium"]}


def test_glyph_code_needs_the_check_characters():
    from pipeline.extract.code_parts import glyph_code
    assert glyph_code("12500118933190037」") == "12500118933190037J"
    assert glyph_code("12500118933190036」") is None  # not a valid code with J: nothing guessed
    assert glyph_code("912500118933190037」") is None  # not at a code's end
