"""How many members a consortium's list read whole names, from every place that says it (member table,
member cards, the agreement's list, count and parties), or why no list was read whole: a job of its
own, apart from reading the members themselves (consortium.py)."""
from __future__ import annotations

from typing import Sequence

from pipeline.extract.layout import Cell
from pipeline.extract.member_list import MemberRow, MemberTable
from pipeline.extract.member_prose import CountSentence, ListSentence, patterns
from pipeline.facts import ROLES_UNREAD, Evidence, Fact


def list_fact(tables: Sequence[tuple[MemberTable, bool]], cards: Sequence[MemberRow], lists: Sequence[ListSentence],
               counts: Sequence[CountSentence], parties: Sequence[tuple[str, str | None, Cell]] = (),
               cards_whole: bool = True) -> Fact:
    """How many members the list read whole names, or why no list was read whole. A table and the
    agreement's count (or its list sentence, or its parties 甲方、乙方……) that disagree leave it unread:
    members may be lost; so do member cards one of which was not read whole (`cards_whole`). Parties
    with a gap (甲方、乙方、丁方 read, 丙方 not) count to the last alias read; alone (nothing else read
    whole to agree with) they leave it unread."""
    aliases = [a for a, _, _ in parties]
    order = patterns()["party_aliases"]
    gap = bool(aliases) and aliases != order[:len(aliases)]
    stated = counts[0] if counts else None
    said: list[tuple[int, tuple[Evidence, ...], float, str]] = []
    whole = [t for t, ended in tables if ended]
    if whole:
        t = max(whole, key=lambda t: len(t.rows))
        n = len(t.rows)
        note = f"成员表（表头：{'、'.join(c.raw for c in t.header)}）列出{n}家成员单位"
        said.append((n, tuple(c.evidence(t.confidence, note) for c in t.header[:1]), t.confidence, "成员表"))
    elif tables:
        return Fact(reason="成员表未能读到结尾（有成员行未识别出名称或代码）")
    lost_card = "成员单位逐家列表中有成员单位未能识别（单位名称行未读出）"
    if cards and cards_whole:
        conf = min(c.confidence for r in cards for c in r.cells[:2])
        note = f"成员单位逐家列表，共{len(cards)}家"
        said.append((len(cards), (cards[0].cells[0].evidence(conf, note),), conf, "成员单位列表"))
    if lists:
        s = max(lists, key=lambda s: len(s.names))
        n = len(s.names)
        conf = min(c.confidence for c in s.cells)
        note = f"协议列出{n}家成员单位：" + "、".join(nm for nm, _ in s.names)
        said.append((n, (s.cells[0].evidence(conf, note),), conf, "协议"))
    if gap and not said and stated is None:
        return Fact(reason=f"协议各方未能全部识别（识别出{'、'.join(aliases)}）")
    if len(parties) >= 2:
        # a party whose line was not read (甲方、乙方、丁方: 丙方 lost) still counts up to the last alias read;
        # that count must then agree with the table, cards or count read elsewhere
        n = order.index(aliases[-1]) + 1 if gap else len(parties)
        conf = min(c.confidence for _, _, c in parties)
        note = f"协议列出{n}方：" + "、".join(f"{a}{nm or '（名称未能识别）'}" for a, nm, _ in parties) + (
            f"（{'、'.join(a for a in order[:n] if a not in aliases)}一行未能识别）" if gap else "")
        said.append((n, (parties[0][2].evidence(conf, note),), conf, "协议各方"))
    if stated is not None:
        conf = min(c.confidence for c in stated.cells)
        note = f"协议写明共{stated.count}家成员单位" + ("" if said else f"（{ROLES_UNREAD}）")
        said.append((stated.count, (stated.cells[0].evidence(conf, note),), conf, "协议"))
    if not said:
        return Fact(reason=lost_card if cards and not cards_whole else "未找到成员表表头，也未找到列出或写明全部成员的协议条款")
    if len({n for n, *_ in said}) > 1:
        return Fact(reason="、".join(f"{where}为{n}家" for n, _, _, where in said) + "，成员数不一致")
    n, ev, conf, _ = said[0]
    return Fact(value=n, evidence=tuple(e for _, es, _, _ in said for e in es), confidence=min(c for _, _, c, _ in said))
