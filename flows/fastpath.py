"""`jiebang run` on an OUT that is already up to date, answered before typer is imported.

Why: an up-to-date rerun does no work but hashing (flows/uptodate.py), yet typer's argument parsing
imports pydantic and builds a TypeAdapter per option: with typer's own import that was ~2/3 of the
rerun's CPU (issue 18: the demo's rerun was 82–88× faster than its first run, the goal is 100×).
So `pipeline.cli.main` first asks `answer_up_to_date(argv)`: it reads only the plain forms of
`run`'s options and says yes only when the flow would be skipped anyway; anything else — another
command, `--force`, `--help`, an option it does not know, a repeated or odd value, a missing input,
OUT not up to date — returns False and typer parses the command line as before. No typer, pydantic
or Prefect import here.
"""
from __future__ import annotations

import stat
import sys
import zipfile
from pathlib import Path

VALUED = {"--out": "out", "--credit-list": "credit_list", "--rules": "rules", "--workers": "workers",
          "--ocr-engine": "ocr_engine", "--dask-address": "dask_address", "--run-date": "run_date"}
"""`run`'s options that take a value (flows/cli.py `register`), by the name the signature uses."""
FLAGS = {"--no-progress", "--verbose"}
"""`run`'s flags that change nothing an up-to-date answer prints."""
REPEATABLE = {"credit_list"}


def parse_run_args(argv: list[str]) -> dict | None:
    """`run BUNDLE --out OUT …` as plain tokens, or None when typer must read it (see module doc)."""
    if len(argv) < 2 or argv[0] != "run":
        return None
    args: dict = {"credit_list": []}
    bundle = None
    tokens = iter(argv[1:])
    for tok in tokens:
        if tok in FLAGS:
            continue
        name, eq, value = tok.partition("=")
        if name in VALUED:
            key = VALUED[name]
            if not eq:
                value = next(tokens, None)
            if not value or value.startswith("-") or (key in args and key not in REPEATABLE):
                return None
            if key in REPEATABLE:
                args[key].append(value)
            else:
                args[key] = value
        elif tok.startswith("-") or bundle is not None or not tok:
            return None  # --force, --help, an unknown option, a second argument: typer's to say
        else:
            bundle = tok
    workers = args.get("workers", "1")
    if bundle is None or "out" not in args or not (workers.isascii() and workers.isdigit() and int(workers) >= 1):
        return None
    return {"bundle": Path(bundle), "out": Path(args["out"]), "credit_lists": [Path(c) for c in args["credit_list"]],
            "rules": Path(args["rules"]) if "rules" in args else None,
            "ocr_engine": args.get("ocr_engine", "cascade"), "run_date": args.get("run_date")}


def inputs_present(bundle: Path, rules: Path | None, credit_lists: list[Path]) -> bool:
    """What `_precheck(contents=False)` accepts: a folder or a readable zip, and every named file there."""
    try:
        if not bundle.is_dir() and not (stat.S_ISREG(bundle.stat().st_mode) and zipfile.is_zipfile(bundle)):
            return False
    except OSError:
        return False
    return all(p.is_file() for p in [*([rules] if rules else []), *credit_lists])


def summary_line(record: dict, out: Path) -> str:
    verdicts: dict[str, int] = {}
    for o in record["outcomes"].values():
        verdicts[o.get("verdict") or "?"] = verdicts.get(o.get("verdict") or "?", 0) + 1
    t = record["timings_s"]
    parts = ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
    return (f"{record['submissions']} 份申报材料 → {out} ({parts}); {record['pages']} 页, "
            f"{record['cached_files']}/{record['files']} 个文件取自缓存, {t['total']:.1f} s, "
            f"{record['pages_per_second'] or 0:.2f} 页/秒")


def up_to_date_lines(bundle: Path, out: Path, credit_lists: list[Path], rules: Path | None, engine: str,
                     run_date: str | None) -> list[str] | None:
    """What `jiebang run` prints when OUT is the finished result of exactly this run, else None."""
    from flows.uptodate import run_signature, up_to_date

    if not (out / "run.json").is_file():
        return None
    signature = run_signature(bundle, [str(c) for c in credit_lists], str(rules) if rules else None, engine, run_date)
    record = up_to_date(out, signature)
    if record is None:
        return None
    return [summary_line(record, out),
            f"  已是最新：材料包、规则、信用名单、程序和审查日期均未变，审查表完好，未重新运行"
            f"（上次运行 {record.get('flow_run_id')}，{record.get('finished_at')}）；用 --force 强制运行。"]


def answer_up_to_date(argv: list[str]) -> bool:
    """True when the command line is a `run` whose OUT is up to date and the answer has been printed."""
    a = parse_run_args(argv)
    if a is None or not inputs_present(a["bundle"], a["rules"], a["credit_lists"]):
        return False
    try:
        lines = up_to_date_lines(a["bundle"], a["out"], a["credit_lists"], a["rules"], a["ocr_engine"], a["run_date"])
    except (OSError, ValueError, KeyError, TypeError):  # whatever it is, the full command says it properly
        return False
    if lines is None:
        return False
    text = "".join(line + "\n" for line in lines)
    try:  # a name the console cannot show (undecodable bytes in OUT's path): typer's echo copes with it
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeError, LookupError):
        return False
    sys.stdout.write(text)
    sys.stdout.flush()
    return True


__all__ = ["answer_up_to_date", "parse_run_args", "summary_line", "up_to_date_lines"]
