"""`jiebang run` and `jiebang rerun` (SPEC §6): the bundle flow on Prefect's embedded local mode.

Prefect is imported inside the commands (importing `flows` first sets its quiet, offline defaults),
so `jiebang --help` stays fast. Exit codes: 0 when every submission got a review sheet, 2 when the
run could not start (missing bundle, unreadable rules/credit list, unopenable zip), 1 when a sheet
could not be written for some submission. Every refusal is one line on stderr; tracebacks (Prefect's
included) go to OUT/.jiebang/run.log (flows/runlog.py).
"""
from __future__ import annotations

import gc
import json
import logging
import os
from contextlib import contextmanager
from pathlib import Path

import typer

EXIT_CANNOT_RUN = 2
EXIT_INCOMPLETE = 1


def _fail(message: str) -> None:
    typer.echo(f"jiebang: {message}", err=True)
    raise typer.Exit(code=EXIT_CANNOT_RUN)


def _precheck(bundle: Path, rules: Path | None, credit_lists: list[Path], out: Path | None = None,
              contents: bool = True) -> None:
    """Refuse in a second what would otherwise fail after Prefect's start-up. `contents=False` checks
    only that the files are there (for the up-to-date test, which needs no more: see `run`)."""
    if not bundle.exists():
        _fail(f"找不到申报材料包 / bundle not found: {bundle}")
    if not bundle.is_dir():  # the same refusals the flow's intake makes, without Prefect's start-up
        from pipeline.errors import RunError
        from pipeline.intake import check_bundle_file

        try:
            check_bundle_file(bundle)
        except RunError as exc:
            _fail(str(exc))
    for p, what in [(rules, "规则文件 / rules file"), *[(c, "信用名单 / credit list") for c in credit_lists]]:
        if p is not None and not p.is_file():
            _fail(f"找不到{what}: {p}")
    if contents:
        _check_contents(rules, credit_lists)
    if out is not None:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _fail(f"无法创建输出目录 / cannot create the output folder {out}: {exc.strerror or exc}")


def _check_contents(rules: Path | None, credit_lists: list[Path]) -> None:
    """A broken rules file or a credit list with no name/code column is refused in one line."""
    if rules is not None:  # a few ms: a broken rules file is refused before Prefect starts
        from pipeline.checks.rules import load_rules
        from pipeline.errors import RunError

        try:
            load_rules(rules)
        except RunError as exc:
            _fail(str(exc))
        except Exception as exc:  # e.g. nesting too deep for the parser: still one line
            _fail(f"规则文件无法读取 / cannot read rules file: {rules}: {type(exc).__name__}")
    from pipeline.checks.credit_read import probe_credit_list
    from pipeline.errors import RunError

    for c in credit_lists:  # a list with no name/code column or no record stops here, in one line (issue 14)
        try:
            probe_credit_list(c)
        except RunError as exc:
            _fail(str(exc))
        except Exception as exc:  # never a traceback for a list we cannot parse
            _fail(f"信用名单无法读取 / cannot read credit list: {c}: {type(exc).__name__}")


def _quiet_prefect(verbose: bool) -> None:
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
        os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_LEVEL", "ERROR")


def execute(bundle: Path, out: Path, *, credit_lists, rules, workers, ocr_engine, dask_address, run_date, show_progress,
            verbose: bool = False) -> int:
    """Run the flow with a progress display; print the one-line outcome; return the exit code.

    Whatever goes wrong, the user reads one line on stderr; tracebacks (Prefect's included) go to
    OUT/.jiebang/run.log (flows/runlog.py), and the run's temporary files are removed."""
    from flows.runlog import log_exception, private_tmp, worker_stderr_to_log

    try:
        import flows  # noqa: F401  (Prefect defaults before Prefect is imported)
        from flows.server import start_early

        # the API server boots while this process imports Prefect and starts the page pool; it starts
        # before TMPDIR moves: it may outlive this run (tests, the inbox watcher) and its folder
        start_early()
        with private_tmp(out), worker_stderr_to_log(out, verbose):
            return _execute(bundle, out, credit_lists=credit_lists, rules=rules, workers=workers,
                            ocr_engine=ocr_engine, dask_address=dask_address, run_date=run_date,
                            show_progress=show_progress, verbose=verbose)
    except KeyboardInterrupt:
        typer.echo("jiebang: 已中断 / interrupted", err=True)
        return 130
    except Exception as exc:  # a bug or an environment fault: one line, the traceback in the log
        where = log_exception(out, exc, "run failed outside the flow")
        typer.echo(f"jiebang: 运行失败 / run failed: {type(exc).__name__}: {_first_line(exc)}{_see(where)}", err=True)
        return EXIT_INCOMPLETE


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:300]


def _see(log: Path | None) -> str:
    return f"（详情 / details: {log}）" if log is not None and log.is_file() and log.stat().st_size else ""


_IMPORTED: list[bool] = []


@contextmanager
def _start_up_imports():
    """Python's cyclic garbage collector off while a process's first run imports Prefect and the
    pipeline (~220,000 objects allocated, next to none garbage: its passes were ~0.15 s of CPU on the
    2-core box, issue 18), then on again with what the imports built frozen out of later passes (the
    flow's own collections no longer walk every module's objects). Once per process: later runs (the
    inbox watcher, tests) import nothing new."""
    if _IMPORTED or not gc.isenabled():
        yield
        return
    _IMPORTED.append(True)
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _execute(bundle: Path, out: Path, *, credit_lists, rules, workers, ocr_engine, dask_address, run_date, show_progress,
             verbose: bool) -> int:
    with _start_up_imports():
        # the page pool starts before anything imports Prefect (~2 s): its first pages are OCR'd meanwhile
        pool_start = _start_page_pool(bundle, out, workers, ocr_engine) if not dask_address and workers > 1 else None
        from flows import progress
        from flows.bundle import run_bundle
        from flows.display import ProgressDisplay
        from flows.runlog import log_path, routed_logs
        from pipeline.errors import RunError

    log = log_path(out)
    display = ProgressDisplay(enabled=show_progress)
    progress.set_listener(display.handle)
    try:
        with routed_logs(out, verbose), display:
            try:
                if pool_start is not None:
                    pool_start.wait(timeout=60)
                state = run_bundle(bundle, out, credit_lists=credit_lists, rules=rules, workers=workers,
                                   ocr_engine=ocr_engine, run_date=run_date, dask_address=dask_address)
            except RunError as exc:
                typer.echo(f"jiebang: {exc}", err=True)
                return EXIT_CANNOT_RUN
            except Exception as exc:  # Prefect could not start (embedded server, Dask scheduler)
                logging.getLogger("jiebang.run").error("could not start the run", exc_info=True)
                typer.echo(f"jiebang: 无法启动运行 / could not start the run: {type(exc).__name__}: {_first_line(exc)}"
                           f"{_see(log)}", err=True)
                return EXIT_CANNOT_RUN
            result = state.result(raise_on_failure=False)
    finally:
        progress.set_listener(None)
        try:
            from pipeline.reading import shutdown_pools

            shutdown_pools()
        except ImportError:
            pass
    if isinstance(result, BaseException):
        root = result
        while root.__cause__ is not None and not isinstance(root, RunError):
            root = root.__cause__
        if isinstance(root, RunError):
            typer.echo(f"jiebang: {root}", err=True)
            return EXIT_CANNOT_RUN
        typer.echo(f"jiebang: 运行失败 / run failed: {type(root).__name__}: {_first_line(root)}{_see(log)}", err=True)
        typer.echo(f"  可用 `jiebang rerun {bundle} --out {out}` 重跑（已完成的部分取自缓存）", err=True)
        return EXIT_INCOMPLETE
    record = result
    from flows.fastpath import summary_line

    typer.echo(summary_line(record, out))
    for rep in record.get("credit_lists") or []:  # what each credit list gave (issue 14)
        typer.echo(f"  信用名单 {rep.get('summary', rep.get('file'))}")
    if record["status"] == "failed":
        typer.echo(f"  {len(record['failed_submissions'])} 份未完成（已写入错误审查表）: "
                   f"{', '.join(record['failed_submissions'][:5])}；"
                   f"可用 `jiebang rerun {bundle} --out {out}` 只重跑未完成部分", err=True)
    written = sum(1 for o in record["outcomes"].values() if o.get("application_id"))
    return 0 if written == record["submissions"] else EXIT_INCOMPLETE


def _already_done(bundle: Path, out: Path, credit_lists: list[Path], rules: Path | None, engine: str,
                  run_date: str | None) -> bool:
    """True (and says so) when OUT is the finished result of exactly this run (flows/uptodate.py)."""
    from flows.fastpath import up_to_date_lines

    lines = up_to_date_lines(bundle, out, credit_lists, rules, engine, run_date)
    for line in lines or []:
        typer.echo(line)
    return lines is not None


PREFETCH_PAGES = 4
"""Pages per worker queued before the flow starts: Prefect's import and server boot take ~6 s, ~4
pages a worker (issue 18)."""


def _start_page_pool(bundle: Path, out: Path, workers: int, engine: str):
    """While Prefect's server boots (~4 s, one core), start the OCR processes on the pages of the first
    files the flow will read (a zip's files are not known yet: then just load the engines; when every
    read is cached, nothing: warming would only slow the server's boot). Returns an event set once the
    pages are queued: the flow waits for it, so its reads find every queued page."""
    import threading

    queued = threading.Event()

    def start() -> None:
        try:
            from flows.prefetch import prefetch_first_reads  # not flows.bundle: Prefect's import would delay the pages
            from pipeline.reading import warm_pool

            pages = prefetch_first_reads(bundle, out, engine, workers, count=workers + 1, min_pages=PREFETCH_PAGES * workers)
            queued.set()
            if pages is None:
                warm_pool(workers, engine)
        except Exception:  # the flow starts the pool itself and reports what fails
            pass
        finally:
            queued.set()

    threading.Thread(target=start, name="start-page-pool", daemon=True).start()
    return queued


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run(
        bundle: Path = typer.Argument(..., help="申报材料包：文件夹或 .zip"),
        out: Path = typer.Option(..., "--out", help="输出目录（审查表、汇总表）"),
        credit_list: list[Path] = typer.Option([], "--credit-list", help="信用名单导出文件（CSV/XLSX），可多次给出"),
        rules: Path | None = typer.Option(None, "--rules", help="规则文件（YAML），默认用内置规则"),
        workers: int = typer.Option(os.cpu_count() or 1, "--workers", min=1, help="OCR 进程数（每核一个最好）"),
        ocr_engine: str = typer.Option("cascade", "--ocr-engine", help="tesseract | rapidocr | cascade"),
        dask_address: str | None = typer.Option(None, "--dask-address",
                                                help="Dask 调度器地址 tcp://host:8786，或 local 启动本机临时集群"),
        run_date: str | None = typer.Option(None, "--run-date", help="审查日期 YYYY-MM-DD（默认今天）"),
        no_progress: bool = typer.Option(False, "--no-progress", help="不显示进度条"),
        verbose: bool = typer.Option(False, "--verbose", help="显示 Prefect 日志"),
        force: bool = typer.Option(False, "--force",
                                   help="输出已是最新也重新运行流程（已完成部分仍取自缓存）"),
    ) -> None:
        """Review every submission of a bundle: one review sheet each, plus the bundle summary.

        When OUT already holds the sheets of this very bundle with these settings (same bytes, rules,
        credit lists, code, engine and date; every sheet intact), nothing is redone: it says so and
        exits 0. --force runs the flow anyway.
        """
        # Up to date means the same bytes of rules and credit lists as a run that completed with them:
        # parsing them again (most of an up-to-date rerun's time, issue 18) could only say they are fine
        _precheck(bundle, rules, credit_list, contents=False)
        if not force and _already_done(bundle, out, credit_list, rules, ocr_engine, run_date):
            raise typer.Exit(code=0)
        _precheck(bundle, rules, credit_list, out)
        _quiet_prefect(verbose)
        code = execute(bundle, out, credit_lists=credit_list, rules=rules, workers=workers, ocr_engine=ocr_engine,
                       dask_address=dask_address, run_date=run_date, show_progress=not no_progress, verbose=verbose)
        raise typer.Exit(code=code)

    @app.command("rerun")
    def rerun(
        bundle: Path = typer.Argument(..., help="上次运行的申报材料包"),
        out: Path = typer.Option(..., "--out", help="上次运行的输出目录"),
        force: bool = typer.Option(False, "--force", help="上次已成功也重跑（已完成部分取自缓存）"),
        no_progress: bool = typer.Option(False, "--no-progress"),
        verbose: bool = typer.Option(False, "--verbose"),
    ) -> None:
        """Rerun the last failed run of a bundle, or one whose reading budgets cut files, with its
        settings (budgets: as intake.yaml / JIEBANG_LIMITS say now); finished work comes from the cache,
        cut reads are read again."""
        record_path = out / "run.json"
        if not record_path.is_file():
            _fail(f"输出目录中没有运行记录 / no run record in {out}（先用 jiebang run）")
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
            p = record["parameters"]
        except (ValueError, KeyError) as exc:
            _fail(f"运行记录无法读取 / unreadable run record {record_path}: {exc}")
        if Path(p["bundle"]).resolve() != bundle.resolve():
            _fail(f"该输出目录上次处理的是 {p['bundle']}，不是 {bundle}")
        if record.get("status") == "completed" and not record.get("budget_cut_files") and not force:
            typer.echo(f"上次运行（{record.get('flow_run_id')}）已成功完成，无需重跑；用 --force 强制重跑。")
            raise typer.Exit(code=0)
        what = {"running": "中断", "completed": "有文件未读完"}.get(record.get("status"), "失败")
        typer.echo(f"重跑上次{what}的运行 {record.get('flow_run_id')}"
                   f"（已完成的部分取自缓存）", err=True)
        credit = [Path(c) for c in p.get("credit_lists") or []]
        rules = Path(p["rules"]) if p.get("rules") else None
        _precheck(bundle, rules, credit)
        _quiet_prefect(verbose)
        code = execute(bundle, out, credit_lists=credit, rules=rules, workers=p.get("workers", 1),
                       ocr_engine=p.get("ocr_engine", "cascade"), dask_address=None, run_date=p.get("run_date"),
                       show_progress=not no_progress, verbose=verbose)
        raise typer.Exit(code=code)

    @app.command("server")
    def server(
        host: str = typer.Option("127.0.0.1", "--host", help="监听地址（0.0.0.0 供其他机器访问）"),
        port: int = typer.Option(4200, "--port", help="端口"),
    ) -> None:
        """Keep a Prefect server (and its UI) running for this machine's runs: every `jiebang run` with
        the same PREFECT_HOME uses it instead of starting its own (saves ~7–9 s CPU per run)."""
        from flows.standing import serve

        raise typer.Exit(code=serve(host, port))

    @app.command("watch")
    def watch(
        inbox: Path = typer.Argument(..., exists=True, file_okay=False, help="收件文件夹：放入的每个文件夹或 .zip 启动一次审查"),
        out_root: Path = typer.Option(..., "--out-root", help="每个材料包的输出写到 OUT_ROOT/<材料包名>"),
        deployment: str | None = typer.Option(None, "--deployment",
                                              help="交给 Prefect 服务器上的部署运行，如 review-bundle/review-bundle；不给则在本进程运行"),
        credit_list: list[Path] = typer.Option([], "--credit-list"),
        rules: Path | None = typer.Option(None, "--rules"),
        workers: int = typer.Option(os.cpu_count() or 1, "--workers", min=1),
        ocr_engine: str = typer.Option("cascade", "--ocr-engine"),
        interval: float = typer.Option(10.0, "--interval", help="轮询间隔（秒）"),
        once: bool = typer.Option(False, "--once", help="只检查一次后退出"),
    ) -> None:
        """Watch an inbox folder and start one run per new bundle."""
        _quiet_prefect(False)
        import flows  # noqa: F401
        from flows.inbox import Inbox, deployment_starter, local_starter

        if deployment:
            start = deployment_starter(deployment, {"credit_lists": [str(c.resolve()) for c in credit_list],
                                                    "rules": str(rules.resolve()) if rules else None,
                                                    "workers": workers, "ocr_engine": ocr_engine})
        else:
            start = local_starter(credit_lists=credit_list, rules=rules, workers=workers, ocr_engine=ocr_engine)

        def announced(bundle: Path, out: Path):
            typer.echo(f"新材料包 {bundle.name} → {out}", err=True)
            return start(bundle, out)

        box = Inbox(inbox, out_root)
        if once:
            box.poll(announced)
        else:
            box.watch(announced, interval=interval)

