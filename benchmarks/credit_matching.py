"""Credit-list benchmark: load a large 失信被执行人 export and match many units against it.

Generates a GB18030 CSV (the Excel "CSV (逗号分隔)" case) of ROWS synthetic records in a temp dir,
shaped like a district export (issue 14): a title row, the code column headed
统一社会信用代码/组织机构代码 holding USCCs, 9-char org codes or old 15-digit 纳税人识别号, a 曾用名
column, note rows at the end. Then times load_credit_list + CreditIndex.build, and
CreditIndex.match for UNITS units: a mix of listed codes, listed names with a changed
bracket/width/suffix spelling, former names, planted near-miss names (one character or one generic
word changed), and unlisted units. Prints times, peak memory (the process's peak RSS: the
generator keeps only the few records the units are drawn from) and the recall on the planted
cases. Targets: load < 20 s, matching < 5 s (issue 7), peak RSS < 1.5 GB (issue 14).

    .venv/bin/python benchmarks/credit_matching.py [--rows 1000000] [--units 10000]
"""
from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import uscc  # noqa: E402
from pipeline.checks.credit import CreditIndex, load_credit_list  # noqa: E402

HEADER = ["序号", "被执行人姓名/名称", "统一社会信用代码/组织机构代码", "曾用名", "法定代表人或者负责人姓名", "执行法院",
          "省份", "案号", "立案时间", "失信被执行人行为具体情形", "发布时间"]
# common characters of company names (a wide pool so distinctive parts are realistic)
POOL = ("华信达通宇恒泰鑫盛创联合众汇航博睿智云数码星辰海川山河金银铜铁佳美安康福瑞祥和兴旺隆丰源远"
        "中新东南西北天地人和正德诚明光辉腾飞龙凤麟鹏翔宏伟志远卓越精英优品聚力同心齐家乐享臻选致远"
        "蓝绿红橙青紫白黑松柏竹梅兰菊荷桂杉桐枫樟榕椰桃李杏梨苹果橘柚樱莓葡萄瓜豆米麦稻粟禾苗花草木林森")
INDUSTRY = ["科技", "信息技术", "软件", "网络科技", "数字科技", "智能科技", "数据服务", "电子商务", "文化传媒",
            "建筑工程", "物流", "贸易", "咨询", "教育科技", "医疗器械", "环保科技", "新材料", "机械设备"]
SUFFIX = ["有限公司", "有限责任公司", "股份有限公司", "有限公司"]
SWAP = {"科技": "技术", "信息技术": "信息科技", "软件": "软件技术", "网络科技": "网络技术", "数字科技": "数码科技"}


def make_code(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    first17 = "91" + rng.choice(["500000", "500103", "500112", "510100"]) + body + uscc.org_code_check(body)
    return uscc.complete(first17)


def make_name(rng: random.Random) -> str:
    core = "".join(rng.choice(POOL) for _ in range(rng.randint(2, 4)))
    city = rng.choice(["重庆", "重庆市", "四川", "成都"])
    return f"{city}{core}{rng.choice(INDUSTRY)}{rng.choice(SUFFIX)}"


def near_miss(rng: random.Random, name: str) -> str:
    for a, b in SWAP.items():
        if a in name:
            return name.replace(a, b, 1)
    i = rng.randrange(2, len(name) - 4)  # change one character of the distinctive part
    return name[:i] + rng.choice([c for c in POOL if c != name[i]]) + name[i + 1:]


def generate(path: Path, rows: int, rng: random.Random, keep: int) -> list[tuple[str, str, str]]:
    """Write the export; return a uniform sample of `keep` (name, code, former name) records."""
    records: list[tuple[str, str, str]] = []
    with path.open("w", encoding="gb18030", newline="") as f:
        w = csv.writer(f)
        w.writerow(["失信被执行人名单（截至2026年7月20日）"])
        w.writerow(HEADER)
        for i in range(rows):
            name, code = make_name(rng), make_code(rng)
            former = make_name(rng) if rng.random() < 0.05 else ""
            r = rng.random()
            ident = code if r < 0.75 else f"{code[8:16]}-{code[16]}" if r < 0.9 else code[2:8] + code[8:17]
            if len(records) < keep:
                records.append((name, code, former))
            elif rng.random() < keep / (i + 1):
                records[rng.randrange(keep)] = (name, code, former)
            w.writerow([i + 1, name, ident, former, "张三", "重庆市第一中级人民法院", "重庆", f"(2025)渝01执{i}号",
                        "2025-03-01", "有履行能力而拒不履行生效法律文书确定义务", "2025-04-01"])
        w.writerow(["注：本名单来源于中国执行信息公开网，仅供审查参考。"])
        w.writerow([f"合计：{rows}条"])
    return records


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "失信被执行人.csv"
        t0 = time.perf_counter()
        records = generate(path, args.rows, rng, keep=5000)
        print(f"generated {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB GB18030 CSV in {time.perf_counter() - t0:.1f} s"
              " (title row, combined code column with USCC / org code / 15-digit TIN, 曾用名 column, 2 note rows)")
        rss0 = psutil.Process().memory_info().rss
        t0, c0 = time.perf_counter(), time.process_time()
        cl = load_credit_list(path)
        t1, c1 = time.perf_counter(), time.process_time()
        index = CreditIndex.build([cl], fuzzy_threshold=88)
        t2, c2 = time.perf_counter(), time.process_time()
        rss_load = psutil.Process().memory_info().rss
        print(f"load_credit_list: {t1 - t0:.2f} s wall, {c1 - c0:.2f} s CPU ({len(cl):,} records, kind {cl.kind}, "
              f"{len(cl.aliases):,} former names, skipped {len(cl.skipped)})")
        print(f"  {cl.summary()}")
        print(f"CreditIndex.build: {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU")
        print(f"load total: {t2 - t0:.2f} s wall, {c2 - c0:.2f} s CPU (target < 20 s)")

        # units: 10% listed by code, 10% listed name respelled, 10% near-miss names (own code),
        # 5% of the rest by a former name (no code), the others unlisted
        with_former = [r for r in records if r[2]]
        units, expect, origin = [], [], {}
        for k in range(args.units):
            r = k % 10
            name, code, _ = rng.choice(records)
            if r == 0:
                units.append((None, code)); expect.append("uscc")
            elif r == 3 and k % 20 == 3 and with_former:
                units.append((rng.choice(with_former)[2], None)); expect.append("former_name")
            elif r == 1:
                spelled = name.replace("有限责任公司", "有限公司").replace("(", "（") + " "
                units.append((spelled.replace("有限公司", "有限责任公司", 1) if rng.random() < 0.5 else spelled, None))
                expect.append("exact_name")
            elif r == 2:
                units.append((near_miss(rng, name), make_code(rng))); expect.append("fuzzy_name"); origin[k] = name
            else:
                units.append((make_name(rng), make_code(rng))); expect.append(None)
        t0, c0 = time.perf_counter(), time.process_time()
        results = [index.match(n, c) for n, c in units]
        t1, c1 = time.perf_counter(), time.process_time()
        print(f"match {len(units):,} units: {t1 - t0:.2f} s wall, {c1 - c0:.2f} s CPU (target < 5 s), {1e3 * (t1 - t0) / len(units):.3f} ms/unit")
        for kind in ("uscc", "exact_name", "former_name", "fuzzy_name"):
            idx = [i for i, e in enumerate(expect) if e == kind]
            ok = {"uscc": {"uscc", "org_code"}, "exact_name": {"exact_name"}, "former_name": {"exact_name"},
                  "fuzzy_name": {"fuzzy_name", "exact_name"}}[kind]
            found = sum(any(h.kind in ok for h in results[i]) for i in idx)
            note = " (or org_code: 25% of rows carry only the 9-char code or a 15-digit TIN)" if kind == "uscc" else ""
            print(f"recall {kind}{note}: {found}/{len(idx)} = {found / max(1, len(idx)):.3f}")
        from rapidfuzz import fuzz

        from pipeline.checks.credit import normalise_name

        missed = [i for i, e in enumerate(expect) if e == "fuzzy_name"
                  and not any(h.kind in ("fuzzy_name", "exact_name") for h in results[i])]
        lost = sum(fuzz.ratio(normalise_name(units[i][0]), normalise_name(origin[i])) >= 88 for i in missed)
        print(f"near misses not found: {len(missed)} ({len(missed) - lost} below the similarity threshold, "
              f"{lost} lost by bigram blocking)")
        unl = [i for i, e in enumerate(expect) if e is None]
        fz = sum(any(h.kind == "fuzzy_name" for h in results[i]) for i in unl)
        bad = sum(any(not h.code_conflict for h in results[i]) for i in unl)
        print(f"unlisted units (own code): {fz}/{len(unl)} have a similar listed name, all with a different code; "
              f"{bad} have a hit without a code conflict (would be fail/review)")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"RSS after load: {rss_load / 2**20:.0f} MiB (before load {rss0 / 2**20:.0f} MiB); "
              f"peak RSS of the process: {peak:.0f} MiB (target < 1536 MiB: {'met' if peak < 1536 else 'NOT met'})")


if __name__ == "__main__":
    main()
