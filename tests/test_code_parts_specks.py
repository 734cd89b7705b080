"""A member's code wrapped in a scanned table's narrow cell, the first line read with specks after it
(dev seed 935 #003: 5250011050854824。。 / 5R): the joined cell is read when both check characters pass
(`code_parts.despecked_code`), never guessed.
(Tried and dropped: keeping Tesseract's longer code run over RapidOCR's in the cascade — on seed 1100
#003 Tesseract's longer run held two made-up characters, 91500153MAJHQODVW2, and RapidOCR's
91500153MAJHQDW2 was the right one: tests/test_members_family2_ocr.py.)"""
from __future__ import annotations

from pipeline.extract.code_parts import despecked_code


def test_despecked_code_over_two_specks():
    assert despecked_code("5250011050854824。。5R") == "52500110508548245R"
    assert despecked_code("5250011050854824。。5X") is None  # check characters fail: nothing guessed
    assert despecked_code("5250010496641-3161K") == "52500104966413161K"
