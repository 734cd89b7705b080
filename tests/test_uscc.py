"""USCC (GB 32100-2015) checks and OCR repair."""
import random

import pytest
from stdnum.cn import uscc as stdnum_uscc

from pipeline import uscc

REAL = ["914403001922038216", "91110108551385082Q", "9150000020286320X6", "91500000MA5UA3W18Q",
        "91500000MA5UTMTB6F", "91110000600037341L"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_pass_both_checks_and_agree_with_stdnum(code):
    c = uscc.check(code)
    assert c.valid and c.check17_ok and c.check18_ok
    assert stdnum_uscc.is_valid(code)


@pytest.mark.parametrize("code", ["91110000800088421P", "9133010057462616XH", "91310115MA1H8R7C6D", "91500000MA5U7ABC1X"])
def test_known_bad_codes_fail(code):
    assert not uscc.is_valid(code)


def test_legal_pre_2016_code_fails_only_position_18():
    c = uscc.check("91350203M0001QKT19")  # real, in use, non-conforming (hutool #4119)
    assert c.check17_ok and not c.check18_ok and "第18位" in c.problem


def test_letter_authority_codes_are_checked_where_stdnum_refuses():
    body8 = "MA5U00B1"
    code = uscc.complete("N2500112" + body8 + uscc.org_code_check(body8))  # a village collective
    assert uscc.is_valid(code)
    assert not stdnum_uscc.is_valid(code)  # stdnum wants digits in positions 1–8


def test_normalise_full_width_and_spaces():
    assert uscc.normalise("９１５０ ００００-MA5UA3W18Q\u3000") == "91500000MA5UA3W18Q"


def test_repair_maps_never_used_letters_and_says_so():
    r = uscc.repair("9I5OOOOOMA5UA3W18Q")
    assert r is not None and r.code == "91500000MA5UA3W18Q"
    assert "I→1 @2" in r.changes


def test_repair_single_ambiguous_character():
    r = uscc.repair("91500000MA5UA3W1BQ")  # 8 read as B at position 17
    assert r is not None and r.code == "91500000MA5UA3W18Q" and r.changes == ("B→8 @17",)


def test_repair_never_returns_an_invalid_code():
    rng = random.Random(3)
    for _ in range(2000):
        c = list(rng.choice(REAL))
        i = rng.randrange(18)
        c[i] = rng.choice(uscc.ALPHABET + "OISZV")
        r = uscc.repair("".join(c))
        assert r is None or uscc.is_valid(r.code)


def test_entity_type_from_positions_1_2():
    assert uscc.entity_type_from_code("91500000MA5UA3W18Q") == "enterprise"
    assert uscc.entity_type_from_code("12500000MB1234567X") == "public_institution"
    assert uscc.entity_type_from_code("52500000MJ1234567X") == "social_organization"
    assert uscc.entity_type_from_code("92500000MA1234567X") == "other"


def test_repair_q_read_as_zero():
    r = uscc.repair("91500000MA5UA3W180")  # final Q read as 0
    assert r is not None and r.code == "91500000MA5UA3W18Q"
