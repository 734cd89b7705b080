"""Punctuation both OCR engines get wrong next to Chinese characters (pipeline/ocr/punctuation.py)."""
from pipeline.ocr.punctuation import fix_punctuation


def test_full_width_next_to_chinese():
    assert fix_punctuation(["申报单位", "〈", "盖章", ")", ":"]) == ["申报单位", "（", "盖章", "）", "："]
    assert fix_punctuation(["组织实施", "."]) == ["组织实施", "。"]
    assert fix_punctuation(["申报单位名称:重庆"]) == ["申报单位名称：重庆"]
    assert fix_punctuation(["电话", ":023"]) == ["电话", "：023"]  # a colon before a digit is still a colon


def test_numbers_and_latin_left_alone():
    assert fix_punctuation(["023.73705796"]) == ["023.73705796"]
    assert fix_punctuation(["2025.11.14"]) == ["2025.11.14"]
    assert fix_punctuation(["元", "1,000"]) == ["元", "1,000"]
    assert fix_punctuation(["v1.2", "(beta)"]) == ["v1.2", "(beta)"]
