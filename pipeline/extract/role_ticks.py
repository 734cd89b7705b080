"""Roles a tick row gives (■牵头单位 □应用单位): the ticked ones, and which of them are only a guess."""
from __future__ import annotations

from pipeline.extract.nlp import role_mentions
from pipeline.extract.ticks import TickRead, read_ticks


def _read(text: str) -> tuple[list[tuple[str, int, int, str]], TickRead | None]:
    ments = [m for m in role_mentions(text) if m[0] != "member"]
    return ments, read_ticks(text, [(str(i), s, e) for i, (_, s, e, _) in enumerate(ments)], multi=True)


def roles_in(text: str) -> list[tuple[str, int, int, str]]:
    """Role phrases in `text` that give a role: all of them, or in a tick row (■牵头单位 □应用单位)
    only the ticked ones."""
    ments, read = _read(text)
    if read is None:
        return ments
    return [ments[int(i)] for i in read.ticked]


def guessed_roles(text: str) -> set[str]:
    """Roles a tick row gives only by guess: OCR dropped the marks before two or more options among
    open boxes (□牵头单位 开源代码贡献单位应用单位: one ■ and one □ lost), and each is taken as ticked."""
    ments, read = _read(text)
    if read is None or read.quality >= 1.0 or len(read.ticked) < 2:
        return set()
    return {ments[int(i)][0] for i in read.ticked}
