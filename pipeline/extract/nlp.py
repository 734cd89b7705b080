"""Role phrasings (牵头单位 / 联合体牵头方 / 开源代码贡献单位 …) found in text, longest match first.

The phrases live in patterns/roles.jsonl. This was a spaCy EntityRuler over a blank `zh` pipeline
(character tokens, phrases matched on ORTH); spaCy and that pipeline cost the flow process ~70 MB
of its ~260 MB for 27 phrases (issue 18: peak memory), so the same matching is done here: the text
in spaCy's `zh` character tokens (`char_tokens`), every phrase matched token by token, and the
ruler's choice among overlapping matches (`longest_first`), so 开源代码贡献单位 wins over 代码贡献.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline.extract.config import role_patterns


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(label, the phrase's tokens) per pattern, in file order."""
    return tuple((p["label"], tuple(t for _, _, t in char_tokens(p["pattern"]))) for p in role_patterns())


def char_tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of the tokens spaCy's `zh` character segmenter makes of `text`: one per
    non-space character; one space right after a token is that token's trailing whitespace (so a
    phrase matches across it: 牵头 单位), any other run of whitespace is a token of its own."""
    tokens: list[tuple[int, int, str]] = []
    pos, n = 0, len(text)
    while pos < n:
        ch = text[pos]
        if not ch.isspace():
            tokens.append((pos, pos + 1, ch))
            pos += 1
            if pos < n and text[pos] == " ":
                pos += 1
            continue
        end = pos
        while end < n and text[end].isspace():
            end += 1
        tokens.append((pos, end, text[pos:end]))
        pos = end
    return tokens


def longest_first(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start token, end token, label) spans: longest first, of equal length the
    earliest, each kept when none of its tokens is taken yet; in text order (spaCy's entity ruler)."""
    kept: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for s, e, label in sorted(sorted(set(spans)), key=lambda sp: (sp[1] - sp[0], -sp[0]), reverse=True):
        if not taken.intersection(range(s, e)):
            kept.append((s, e, label))
            taken.update(range(s, e))
    return sorted(kept)


@lru_cache(maxsize=4096)
def role_mentions(text: str) -> tuple[tuple[str, int, int, str], ...]:
    """(role label, start, end, phrase) for every role phrase in `text`, left to right."""
    tokens = char_tokens(text)
    words = [t for _, _, t in tokens]
    spans = [(i, i + len(p), label) for label, p in _phrases() if p
             for i in range(len(words) - len(p) + 1) if tuple(words[i:i + len(p)]) == p]
    out = []
    for s, e, label in longest_first(spans):
        start, end = tokens[s][0], tokens[e - 1][1]
        out.append((label, start, end, text[start:end]))
    return tuple(out)


_EDGE_NOISE = re.compile(r"^[^\u4e00-\u9fff]+|[^\u4e00-\u9fff]+$")  # separators and specks around it


def cut_role(text: str) -> str:
    """The start of a role phrase left at the end of `text` with the rest of it not read (代码贡献单位、应用
    when the cell wrapped to 推广单位 on a line OCR did not join): '' when nothing is cut. A role
    missing because its cell was cut is not evidence that nobody holds it."""
    ments = role_mentions(text)
    rest = text[ments[-1][2]:] if ments else text
    rest = _EDGE_NOISE.sub("", rest)
    if len(rest) < 2 or any(p["pattern"] == rest for p in role_patterns()):
        return ""
    return rest if any(p["pattern"].startswith(rest) for p in role_patterns()) else ""
