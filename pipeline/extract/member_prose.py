"""Members named in running text: a sentence naming every member (联合体由A（牵头单位）、B和C组成), a
sentence counting them (共3家成员单位), roles an agreement gives its parties by alias (乙方作为开源代码
贡献单位), and codes given right after a name (A研究院（统一社会信用代码：…）). Phrasings are in
patterns/consortium.yaml."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import cn2an

from pipeline.extract.config import label_regex
from pipeline.extract.fields import canonical_name
from pipeline.extract.layout import Cell, Flow, PageLayout, flow
from pipeline.extract.member_list import names_in, patterns, roles_in
from pipeline.extract.nlp import role_mentions


# ---------------------------------------------------------------- sentences

@dataclass(frozen=True)
class ListSentence:
    """A sentence naming every member, with the roles it gives them."""
    names: tuple[tuple[str, tuple[str, ...]], ...]
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class CountSentence:
    count: int
    cells: tuple[Cell, ...]


def prose_roles(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Names in a sentence with their roles: a role in brackets right behind a name is that name's
    (A（牵头单位））; a role followed by 为/是/： goes to every name after it up to the next role
    (开源代码贡献单位为B、C)."""
    ments = roles_in(text)
    masked = list(text)
    for _, s, e, _ in role_mentions(text):
        masked[s:e] = "|" * (e - s)
    names = names_in("".join(masked))
    roles: list[list[str]] = [[] for _ in names]
    for n, (label, s, e, _) in enumerate(ments):
        forward = bool(re.match(r"[为是:：]", text[e:e + 1] or ""))
        behind = [i for i, (_, _, ne) in enumerate(names) if ne <= s and re.fullmatch(r"[(（]?", text[ne:s])]
        if behind and not forward:
            roles[behind[-1]].append(label)
            continue
        if forward:
            stop = ments[n + 1][1] if n + 1 < len(ments) else len(text)
            for i, (_, ns, _) in enumerate(names):
                if e <= ns < stop:
                    roles[i].append(label)
    return [(nm, tuple(dict.fromkeys(r))) for (nm, _, _), r in zip(names, roles)]


def _count(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    try:
        return int(cn2an.cn2an(text.replace("两", "二"), "smart"))
    except (ValueError, KeyError):
        return None


def read_sentences(pages: Sequence[PageLayout]) -> tuple[list[ListSentence], list[CountSentence]]:
    lists: list[ListSentence] = []
    counts: list[CountSentence] = []
    for page in pages:
        f = flow([page])
        if "联合体" not in f.text and "成员" not in f.text:
            continue
        for rx in patterns()["member_lists"]:
            for m in re.finditer(rx, f.text):
                found = prose_roles(m.group("body"))
                if found:
                    lists.append(ListSentence(tuple(found), tuple(f.cells_between(m.start(), m.end()))))
        items = sorted(_list_items(f.text, _row_starts(page)), key=lambda it: it[2])
        # one item is no list: the others may be lost; an item whose role OCR garbled (（四）场景应方：…)
        # still names a member, in a list whose other items give roles; numbers that skip one ((一)、(三))
        # lost an item: no whole list
        nums = [k for *_, k in items]
        if sum(bool(r) for _, r, _, _, _ in items) >= 2 and (None in nums or nums == list(range(1, len(nums) + 1))):
            lists.append(ListSentence(tuple((n, r) for n, r, _, _, _ in items),
                                      tuple(f.cells_between(items[0][2], items[-1][3]))))
        for rx in patterns()["member_counts"]:
            for m in re.finditer(rx, f.text):
                n = _count(m.group("n"))
                if n:
                    counts.append(CountSentence(n, tuple(f.cells_between(m.start(), m.end()))))
    return lists, counts


def _row_starts(page: PageLayout) -> list[int]:
    """Where each row of the page starts in its flow's text."""
    out, pos = [], 0
    for row in page.rows:
        out.append(pos)
        pos += sum(len(c.text) for c in row)
    return out


def _list_items(text: str, row_starts: Sequence[int] = ()):
    """(name, roles, start, end, number or None) of each numbered item naming one member with its role
    (（二）开源代码贡献单位：重庆渝芯软件有限公司（统一社会信用代码：…）), the name possibly wrapped.
    An item starts after a full stop or a colon, or at a line's start: a scan loses the 。 ending the
    item above (……开源代码贡献 / （四）应用单位：…), and the member with it."""
    for rx in patterns().get("member_items", []):
        found_at: set[int] = set()
        matches = [(m, 0) for m in re.finditer(rx, text)]
        matches += [(m, p) for p in row_starts for m in [re.match(rx, text[p:])] if m]
        for m, off in matches:
            if off + m.start("role") in found_at:
                continue
            roles = tuple(dict.fromkeys(lb for lb, *_ in roles_in(m.group("role"))))
            found = names_in(m.group("name"))
            # the whole item is one name (names_in gives it with full-width brackets: 汇川数码科技（重庆）有限公司);
            # a role not understood is a role unread, when the item gives the member's code after its name
            coded = _code_label_after().match(text[off + m.end("name"):])
            if (roles or coded) and found and found[0][0] == canonical_name(m.group("name").strip()):
                found_at.add(off + m.start("role"))
                num = next((g for g in (m.groupdict().get(k) for k in ("num", "num2", "num3")) if g), None)
                yield found[0][0], roles, off + m.start("role"), off + m.end("name"), _count(num) if num else None


@lru_cache(maxsize=1)
def _code_label_after() -> re.Pattern:
    """A bracket opening on a code label right after a name (（统一社会信用代码：, 信 dropped or not)."""
    return re.compile(rf"\s*[(（]\s*{_code_label()}")


def _code_label() -> str:
    """A code label: labels.yaml `uscc`, or one of its long labels with a character misread or dropped."""
    exact, fuzzy = label_regex("uscc")
    return f"(?:{exact.pattern}|{fuzzy.pattern})"


# ---------------------------------------------------------------- agreement parties

def read_parties(pages: Sequence[PageLayout]) -> list[tuple[str, tuple[str, ...], Cell]]:
    """(name, roles, cell) for roles an agreement gives its parties: the role its head line writes in
    brackets (甲方（牵头单位）：A names 甲方 and makes A the lead), and roles later clauses give by alias
    (乙方作为开源代码贡献单位，…… gives 乙方's unit that role)."""
    alias_rx = _alias_rx()
    named: dict[str, str] = {}
    out: list[tuple[str, tuple[str, ...], Cell]] = []
    for page in pages:
        if not alias_rx.search(page.text):
            continue
        for alias, name, cell, said in _party_heads(page):
            if name:
                named[alias] = name
                roles = tuple(dict.fromkeys(lb for lb, *_ in roles_in(said)))
                if roles:
                    out.append((name, roles, cell))
        f = _clauses_flow(page, alias_rx)
        for clause in re.finditer(r"[^；;。]+", f.text):
            text = _misread_alias(clause.group(), named)
            hits = list(alias_rx.finditer(text))
            # one clause may give several parties their roles (乙方作为代码贡献方，……，丙方作为开源代码贡献单位):
            # each alias's part runs to the next alias
            for k, hit in enumerate(hits):
                alias, at = hit.group(), hit.start()
                part = text[:hits[k + 1].start()] if k + 1 < len(hits) else text
                if alias not in named or re.search(r"^(?:%s)(?:[(（][^)）]{0,20}[)）])?[:：]" % alias_rx.pattern,
                                                   part[at:].strip()):
                    continue
                roles = _party_roles(part, at + len(alias))
                if roles:
                    out.append((named[alias], roles, f.cells_between(clause.start() + at, clause.start() + at + 1)[0]))
    return out


def _misread_alias(text: str, named: dict[str, str]) -> str:
    """A clause's alias OCR misread (两方作为应用单位 for 丙方), put right when the agreement names
    that party and the alias is made a role (作为/为/担任): 两方 is a word of its own elsewhere."""
    for wrong, right in patterns()["party_alias_misreads"].items():
        if right in named and len(wrong) == len(right):
            text = re.sub(re.escape(wrong) + r"(?=作为|为|担任)", right, text)
    return text


_CLAUSE_START = r"^(?:第[一二三四五六七八九十0-9]{1,3}条|[一二三四五六七八九十]{1,2}、|[(（][一二三四五六七八九十0-9]{1,2}[)）]|\d{1,2}[.、．])"


def _clauses_flow(page: PageLayout, alias_rx: re.Pattern) -> Flow:
    """The page's rows as one text where a clause may wrap onto the next line (……；丙方 / 作为开源贡献
    单位，……), but a line that heads a party (甲方（牵头单位）：A公司) or an article (第二条, 1.) ends the
    clause before it, and the party line ends its own clause."""
    head = _head_rx()
    parts: list[str] = []
    starts: list[int] = []
    cells: list[Cell] = []
    pos = 0
    for row in page.rows:
        line = party_line("".join(c.text for c in row))
        cut = bool(head.match(line) or re.match(_CLAUSE_START, line))
        for k, c in enumerate(row):
            text = ("。" if cut and k == 0 else "") + c.text
            parts.append(text)
            starts.append(pos)
            cells.append(c)
            pos += len(text)
        if head.match(line):
            parts.append("。")
            pos += 1
    return Flow("".join(parts), tuple(starts), tuple(cells))


def party_line(text: str) -> str:
    """A line that heads a party as written: specks OCR read before the alias dropped (.丙方：), an alias
    it misreads at the line's start put right (两方： → 丙方：); other lines (两方协商……) unchanged."""
    p = patterns()
    bare = text.lstrip(p["party_line_specks"])
    for wrong, right in p["party_alias_misreads"].items():
        if bare.startswith(wrong):
            bare = right + bare[len(wrong):]
    return bare if _head_rx().match(bare) else text


def _alias_rx() -> re.Pattern:
    return re.compile("|".join(map(re.escape, patterns()["party_aliases"])))


def _head_rx() -> re.Pattern:
    """A line heading a party: 甲方（牵头单位）：, 乙方： (the alias is group 1, what the brackets say group 2)."""
    return re.compile(r"^(%s)(?:[(（]([^)）]{0,20})[)）])?[:：]" % _alias_rx().pattern)


def _party_heads(page: PageLayout) -> list[tuple[str, str | None, Cell, str]]:
    """(alias, name, cell, what its brackets say) of each 甲方（牵头单位）：A公司 line of the page; name
    None when what follows the colon is a unit's name OCR cut short (……股份有限公), not read as one."""
    rx = _head_rx()
    out = []
    for row in page.rows:
        text = party_line("".join(c.text for c in row))
        m = rx.match(text)
        if not m:
            continue
        found = names_in(text[m.end():])
        if found:
            out.append((m.group(1), found[0][0], row[0], m.group(2) or ""))
        elif len(re.findall(r"[\u4e00-\u9fff]", text[m.end():])) >= 6:
            out.append((m.group(1), None, row[0], m.group(2) or ""))
    return out


def _page_parties(page: PageLayout) -> list[tuple[str, str | None, Cell]]:
    return [(alias, name, cell) for alias, name, cell, _ in _party_heads(page)]


def named_parties(pages: Sequence[PageLayout]) -> list[tuple[str, str | None, Cell]]:
    """The agreement's parties as its head names them (甲方：A公司 / 乙方：B公司 …), each alias once, in
    the order of patterns `party_aliases`; the first page that names 甲方 and the pages after it."""
    found: dict[str, tuple[str, str, Cell]] = {}
    for page in pages:
        for alias, name, cell in _page_parties(page):
            found.setdefault(alias, (alias, name, cell))
    order = patterns()["party_aliases"]
    return sorted(found.values(), key=lambda p: order.index(p[0]))


def _party_roles(text: str, at: int) -> tuple[str, ...]:
    """Roles a clause makes the party whose alias ends at `at`: the role must be what the party is
    made (乙方作为/为/担任 开源代码贡献单位), not a duty towards it; roles listed right after it
    (、应用推广单位) count too."""
    roles: list[str] = []
    end = None
    for lb, s, e, _ in roles_in(text):
        first = end is None and s - at <= 6 and re.search(r"作为|为|担任|是|系", text[at:s])
        chained = end is not None and re.fullmatch(r"[、,，和及与]?", text[end:s])
        if first or chained:
            roles.append(lb)
            end = e
        elif end is not None:
            break
    return tuple(dict.fromkeys(roles))


# ---------------------------------------------------------------- codes beside names in prose

@lru_cache(maxsize=1)
def _code_after() -> re.Pattern:
    """A code label (labels.yaml `uscc`, one character of a long label misread or dropped: 统一社会用代码)
    and the code after it."""
    return re.compile(rf"[(（]?{_code_label()}(?:[(（]注册号[)）])?[:：]?([0-9A-Z]{{18}})(?![0-9A-Z])")


def coded_names(pages: Sequence[PageLayout]) -> list[tuple[str, str, tuple[Cell, ...]]]:
    """(name, code, cells) where prose gives a unit's code right after its name, the code possibly
    wrapped onto the next line (A研究院（统一社会信用代码：1250011 / 5275203640C））."""
    out = []
    for page in pages:
        if "代码" not in page.text:
            continue
        f = flow([page])
        for m in _code_after().finditer(f.text):
            before = names_in(f.text[max(0, m.start() - 45):m.start()])
            if before and m.start() - max(0, m.start() - 45) - before[-1][2] <= 1:
                out.append((before[-1][0], m.group(1), tuple(f.cells_between(m.start(), m.end()))))
    return out
