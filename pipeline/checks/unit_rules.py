"""Per-unit rules: each unit's code and type, its place on the credit lists, its seal (SPEC §4)."""
from __future__ import annotations

import re

from pipeline import uscc as uscc_mod
from pipeline.checks.credit import KIND_NAMES, CreditHit, CreditIndex, normalise_name
from pipeline.checks.rules import Rules
from pipeline.facts import CODE_SUSPECTED, PLACES_DISAGREE, ApplicationFacts, CheckResult, Evidence, Unit

from pipeline.checks.base import TYPE_ZH, _result, _low, _conf

def check_uscc_valid(unit: Unit, label: str, rules: Rules) -> CheckResult:
    rule, f = "entity.uscc_valid", unit.uscc
    if not f.found:
        return _result(rules, rule, "review", f"未找到统一社会信用代码{('：' + f.reason) if f.reason else ''}，请人工核对", unit=label)
    chk = uscc_mod.check(str(f.value))
    places = [e.note for e in (*unit.name.evidence, *f.evidence) if e.note.startswith(PLACES_DISAGREE)]
    if chk.valid and places:
        return _result(rules, rule, "review", f"统一社会信用代码 {chk.code} 校验通过，但{places[0]}",
                       (*unit.name.evidence, *f.evidence), label)
    if not chk.valid:
        guess = uscc_mod.suspected(chk.code)
        said = f"，疑为 {'或 '.join(guess[:3])}（仅一处读出，按识别易混字符推得）" if 0 < len(guess) <= 3 else ""
        return _result(rules, rule, "review",
                       f"统一社会信用代码 {chk.code} {chk.problem}{said}：可能是识别错误或早期试点代码，需人工核对",
                       f.evidence, label)
    notes = "；".join(e.note for e in f.evidence if e.note)
    if any(e.note.startswith(CODE_SUSPECTED) for e in f.evidence):  # a pass rests on something read
        return _result(rules, rule, "review", f"{notes}（其他位置未读出该代码）", f.evidence, label)
    if _low(f, rules):
        said = f"（{notes}）" if notes else ""
        return _result(rules, rule, "review", f"统一社会信用代码 {chk.code} 校验通过{_conf(f)}{said}", f.evidence, label)
    return _result(rules, rule, "pass", f"统一社会信用代码 {chk.code} 两位校验码均正确" + (f"（{notes}）" if notes else ""),
                   f.evidence, label)


def check_type_allowed(unit: Unit, label: str, rules: Rules) -> CheckResult:
    rule, f = "entity.type_allowed", unit.entity_type
    allowed = rules.entity.allowed_types
    allowed_zh = "、".join(TYPE_ZH[t] for t in allowed)
    code = uscc_mod.normalise(str(unit.uscc.value)) if unit.uscc.found else ""
    prefix = code[:2] if uscc_mod.is_valid(code) else ""
    if not f.found:
        return _result(rules, rule, "review",
                       f"未找到单位性质{('（代码第1–2位为 ' + prefix + '）') if prefix else ''}，请人工核对是否为{allowed_zh}",
                       unit.uscc.evidence, label)
    etype = str(f.value)
    written = unit.declared_type_text or TYPE_ZH.get(etype, etype)
    if etype not in allowed:
        if _low(f, rules):
            return _result(rules, rule, "review", f"单位性质识别为“{written}”，不在允许范围内{_conf(f)}", f.evidence, label)
        return _result(rules, rule, "fail", f"单位性质为“{written}”，不属于{allowed_zh}", f.evidence, label)
    expected = rules.entity.code_prefixes.get(etype)  # type: ignore[call-overload]
    if prefix and expected and prefix not in expected:
        return _result(rules, rule, "review",
                       f"单位性质为“{written}”，但统一社会信用代码第1–2位为 {prefix}，与之不符，请核对",
                       (*f.evidence, *unit.uscc.evidence), label)
    if _low(f, rules) and not _code_confirms(unit, etype, prefix, rules):
        return _result(rules, rule, "review", f"单位性质为“{written}”{_conf(f)}", f.evidence, label)
    if _low(f, rules):
        return _result(rules, rule, "pass", f"单位性质识别为“{written}”（识别置信度 {f.confidence:.2f}，偏低），但统一社会信用代码第1–2位 "
                       f"{prefix} 所示类型同为{TYPE_ZH[etype]}，属于允许范围", (*f.evidence, *unit.uscc.evidence), label)
    return _result(rules, rule, "pass", f"单位性质为“{written}”，属于允许的{TYPE_ZH[etype]}", f.evidence, label)


def _code_confirms(unit: Unit, etype: str, prefix: str, rules: Rules) -> bool:
    """A type read unsurely (a tick row's mark not read, as on dev seed 933 #010: 事业单位 as the one unmarked
    option at 0.69) that the surely read code's positions 1–2 give as the only type (rules.yaml code_prefixes: 12 →
    事业单位), and an allowed one: two independent readings agree, the pass rests on the code."""
    by_code = [t for t, ps in rules.entity.code_prefixes.items() if prefix in ps]
    code = unit.uscc
    return (by_code == [etype] and etype in rules.entity.allowed_types and not _low(code, rules)
            and not any(e.note.startswith((CODE_SUSPECTED, PLACES_DISAGREE)) for e in code.evidence))


def _hit_evidence(hit: CreditHit) -> Evidence:
    r = hit.record
    shown = "；".join(f"{k}：{v}" for k, v in r.fields.items() if v)[:300]
    sheet = f"工作表“{r.sheet}”" if r.sheet else ""
    return Evidence(file=r.file, text=shown, confidence=1.0 if hit.kind != "fuzzy_name" else hit.score / 100,
                    note=f"{KIND_NAMES.get(r.list_kind, r.list_kind)}名单{sheet}第{r.row}行；sha256 {r.sha256}")


def _hit_phrase(hit: CreditHit) -> str:
    r = hit.record
    sheet = f"工作表“{r.sheet}”" if r.sheet else ""
    via = f"，曾用名“{hit.via}”" if hit.via else ""
    return f"{KIND_NAMES.get(r.list_kind, r.list_kind)}名单（{_basename(r.file)} {sheet}第{r.row}行“{r.name}”{via}）"


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def check_credit(rule: str, list_kind: str, unit: Unit, label: str, rules: Rules,
                 credit: CreditIndex | None) -> CheckResult:
    """One unit against one kind of list. fail = its code, or its exact normalised name (or a former
    name the list gives) without a conflicting code, is on the list; review = a close name or a
    same name with another code, or a listed code one OCR look-alike from any reading of the unit's
    code (a misread code must never pass a listed unit); pass = compared with every record and not
    found. A unit whose code was not read is matched on its name alone, and the detail says so."""
    list_zh = KIND_NAMES[list_kind]
    own = (*unit.name.evidence, *unit.uscc.evidence)
    if credit is None or list_kind not in credit.kinds:
        return _result(rules, rule, "review", f"未提供{list_zh}名单，无法核查，请人工查询", own, label)
    name = str(unit.name.value) if unit.name.found else None
    code = str(unit.uscc.value) if unit.uscc.found else None
    if name is None and code is None:
        return _result(rules, rule, "review", f"单位名称和统一社会信用代码均未识别，无法核查{list_zh}名单", own, label)
    only_name = "（该单位的统一社会信用代码未识别，仅按名称比对）" if code is None else ""
    hits = [h for h in credit.match(name, code) if h.list_kind == list_kind]
    by_code = [h for h in hits if h.kind in ("uscc", "org_code")]
    if by_code:
        h = by_code[0]
        what = "统一社会信用代码" if h.kind == "uscc" else "组织机构代码（代码第9–17位）"
        return _result(rules, rule, "fail", f"{what}与{_hit_phrase(h)}一致",
                       (_hit_evidence(h), *own), label)
    exact = [h for h in hits if h.kind == "exact_name" and not h.code_conflict]
    if exact:
        h = exact[0]
        how = "名单无代码，" if not (h.record.uscc or h.record.org_code) else ""
        whose = "中的曾用名" if h.via else ""
        return _result(rules, rule, "fail", f"{how}名称规范化后与{_hit_phrase(h)}{whose}完全一致{only_name}",
                       (_hit_evidence(h), *own), label)
    near = _near_codes(unit, credit, list_kind, {(h.record.file, h.record.row) for h in hits if h.kind in ("uscc", "org_code")})
    if near:  # a misread code must not pass a listed unit (a false pass is the worst error)
        read, h = near[0]
        return _result(rules, rule, "review", f"读出的统一社会信用代码“{read}”与{_hit_phrase(h)}的代码"
                       f"“{h.record.uscc or h.record.org_code}”仅差识别易混字符，可能是识别错误，请核对是否为同一主体",
                       (*(_hit_evidence(x) for _, x in near[:3]), *own), label)
    doubtful = [h for h in hits if (h.kind == "exact_name" and h.code_conflict)
                or (h.kind == "fuzzy_name" and not h.code_conflict)]
    if doubtful:
        h = doubtful[0]
        why = ("名称相同但统一社会信用代码不同" if h.kind == "exact_name"
               else f"名称相近（相似度 {h.score:.0f}）" + ("，名单无代码可比对" if not (h.record.uscc or h.record.org_code) else ""))
        return _result(rules, rule, "review", f"{why}：{_hit_phrase(h)}，请核对是否为同一主体{only_name}",
                       (*(_hit_evidence(x) for x in doubtful[:3]), *own), label)
    others = [h for h in hits if h.code_conflict]
    low = (code is None or not uscc_mod.is_valid(code) or _low(unit.uscc, rules)) and (name is None or _low(unit.name, rules))
    if low:
        return _result(rules, rule, "review",
                       f"未在{list_zh}名单中找到，但单位名称/代码识别不可靠，请人工核对", own, label)
    shaky = ("（统一社会信用代码识别置信度偏低，已按名称及与之仅差易混字符的代码一并比对）"
             if code is not None and _low(unit.uscc, rules) else "")
    detail = f"未在{list_zh}名单中找到该单位（{len(credit):,} 条记录已比对）{only_name}{shaky}"
    if others:
        h = others[0]
        detail += f"；名单中“{h.record.name}”名称相近但统一社会信用代码不同，不是同一主体"
        return _result(rules, rule, "pass", detail, (*own, _hit_evidence(h)), label)
    return _result(rules, rule, "pass", detail, own, label)


def read_codes(unit: Unit) -> list[str]:
    """Every code this unit's code was read as: the value, and what its evidence shows (the reading a
    look-alike correction replaced, the place that read it otherwise)."""
    out = [uscc_mod.normalise(str(unit.uscc.value))] if unit.uscc.found else []
    for e in unit.uscc.evidence:
        out += [uscc_mod.normalise(m) for m in _CODE_RUN.findall(uscc_mod.normalise(e.text + e.note))]
    return [c for c in dict.fromkeys(out) if len(c) == 18]


_CODE_RUN = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])")


def _near_codes(unit: Unit, credit: CreditIndex, list_kind: str,
                matched: set[tuple[str, int]]) -> list[tuple[str, CreditHit]]:
    """(read code, listed record) for records listed under a code one OCR look-alike from a code this
    unit was read as, or under a reading the value replaced; records already matched by code left out."""
    out: dict[tuple[str, int], tuple[str, CreditHit]] = {}
    for read in read_codes(unit):
        for variant in (read, *uscc_mod.one_step(read)):
            for rec in credit.with_code(variant):
                if rec.list_kind == list_kind and (rec.file, rec.row) not in matched:
                    out.setdefault((rec.file, rec.row), (read, CreditHit("uscc", 100.0, list_kind, rec)))
    return list(out.values())


def _same_unit(a: str | None, b: str, rules: Rules) -> bool:
    if not a:
        return False
    na, nb = normalise_name(a), normalise_name(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    from rapidfuzz import fuzz

    return fuzz.ratio(na, nb) >= rules.thresholds.fuzzy_name
