"""Role phrases found without spaCy (pipeline/extract/nlp.py, issue 18: ~70 MB of the flow process)
exactly as the spaCy EntityRuler over a blank `zh` pipeline found them."""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.extract.config import role_patterns  # noqa: E402
from pipeline.extract.nlp import char_tokens, longest_first, role_mentions  # noqa: E402


def test_char_tokens_are_spacys_zh_character_tokens():
    assert char_tokens("牵头 单位") == [(0, 1, "牵"), (1, 2, "头"), (3, 4, "单"), (4, 5, "位")]
    assert char_tokens(" 牵  头\n") == [(0, 1, " "), (1, 2, "牵"), (3, 4, " "), (4, 5, "头"), (5, 6, "\n")]
    assert char_tokens("") == []


def test_longest_match_wins_then_the_earliest():
    assert longest_first([(0, 4, "a"), (2, 8, "b"), (7, 9, "c")]) == [(2, 8, "b")]
    assert longest_first([(0, 2, "a"), (1, 3, "b"), (3, 5, "c")]) == [(0, 2, "a"), (3, 5, "c")]


def test_role_mentions_on_known_phrasings():
    assert role_mentions("联合体牵头单位：重庆某某公司，开源代码贡献单位") == (
        ("lead", 0, 7, "联合体牵头单位"), ("code_contributor", 15, 23, "开源代码贡献单位"))
    assert role_mentions("牵头 单位") == (("lead", 0, 5, "牵头 单位"),)  # one space is a token's trailing space
    assert role_mentions("牵头  单位") == (("lead", 0, 2, "牵头"),)
    assert role_mentions("无关文字") == ()


@pytest.fixture(scope="module")
def spacy_ruler():
    spacy = pytest.importorskip("spacy")  # the reference: the pipeline this module replaced
    pipe = spacy.blank("zh")
    ruler = pipe.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns(role_patterns())
    return lambda text: tuple((e.label_, e.start_char, e.end_char, e.text) for e in pipe(text).ents)


def test_same_mentions_as_spacys_entity_ruler(spacy_ruler):
    rng = random.Random(18)
    alphabet = sorted({c for p in role_patterns() for c in p["pattern"]}) + list("，：、（）公司体A1 ") + [" ", " ", "\n", "\u3000"]
    texts = ["", " ", "联合体牵头单位 联合体成员单位、开源代码贡献方；应用推广单位", "牵头单位（联合体牵头方）代码页献单位"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    for p in role_patterns():  # each phrase alone, with a space inside, and run into a longer one
        s = p["pattern"]
        texts += [s, s[:2] + " " + s[2:], "联合体" + s + "单位", " " + s + "  "]
    for t in texts:
        assert role_mentions.__wrapped__(t) == spacy_ruler(t), t
