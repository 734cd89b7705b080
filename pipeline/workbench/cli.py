"""`jiebang review serve|import|export` (SPEC §7). Heavy imports happen inside the commands."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

review_app = typer.Typer(help="审核工作台：逐项确认或改判，导入 Word 意见，导出最终名单与公示名单。",
                         no_args_is_help=True)


def _out(out: Path) -> Path:
    if not out.is_dir():
        typer.echo(f"输出目录不存在 / no such output folder: {out}", err=True)
        raise typer.Exit(2)
    return out.resolve()


def _repo(out: Path, db: Optional[str]):
    from sqlalchemy.exc import SQLAlchemyError

    from pipeline.workbench.db import Repository

    try:
        return Repository.open(out, db)
    except (SQLAlchemyError, ImportError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        typer.echo(f"无法打开审核数据库 / cannot open the decision database: {first}", err=True)
        raise typer.Exit(2)


def _free_port(host: str) -> int:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@review_app.command("serve")
def serve(
    out: Path = typer.Argument(..., help="jiebang run 的输出目录 / the run's output folder"),
    db: Optional[str] = typer.Option(None, "--db", help="数据库 URL（默认 OUT/decisions.sqlite）"),
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址（非本机地址须设令牌）"),
    port: int = typer.Option(0, "--port", help="端口（默认自动选择空闲端口）"),
    token: Optional[str] = typer.Option(None, "--token", help="访问令牌（非本机地址时必需；留空则生成）"),
    bundle: Optional[Path] = typer.Option(None, "--bundle", help="原始申报材料目录（默认取自 OUT/run.json）"),
    reviewer: str = typer.Option("", "--reviewer", help="默认审核人姓名"),
) -> None:
    """启动审核工作台（默认仅本机 127.0.0.1，自动选择空闲端口并打印地址）。"""
    import uvicorn

    from pipeline.workbench.pages import bundle_root
    from pipeline.workbench.security import is_loopback, new_token
    from pipeline.workbench.web import Workbench, create_app

    out = _out(out)
    if not is_loopback(host) and not token:
        token = new_token()
        typer.echo(f"访问令牌（仅显示一次）/ token (shown once): {token}")
    repo = _repo(out, db)
    root = bundle_root(out, bundle)
    if root is None:
        typer.echo("注意：找不到原始申报材料目录，页面图像不可用（用 --bundle 指定）", err=True)
    wb = Workbench(out=out, repo=repo, bundle=root, reviewer=reviewer)
    app = create_app(wb, token=token)
    import threading

    from pipeline.workbench.pages import prerender

    apps = wb.applications()  # parsed once before the first request
    threading.Thread(target=prerender, args=(out, root, apps), daemon=True, name="prerender").start()
    port = port or _free_port(host)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    typer.echo(f"审核工作台 / workbench: {url}", color=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@review_app.command("import")
def import_(
    out: Path = typer.Argument(..., help="输出目录"),
    files: List[Path] = typer.Argument(..., help="填写了“审核人意见”栏的 review.docx"),
    db: Optional[str] = typer.Option(None, "--db", help="数据库 URL（默认 OUT/decisions.sqlite）"),
    reviewer: Optional[str] = typer.Option(None, "--reviewer", help="审核人（默认取文档的最后修改者）"),
) -> None:
    """把在 Word 中填写的审核人意见导入审核数据库；被修改或不属于本批次的文档会被拒绝。"""
    from pipeline.workbench.docx_import import ImportRefused, import_docx

    out = _out(out)
    repo = _repo(out, db)
    failed = 0
    for f in files:
        try:
            r = import_docx(out, repo, f, reviewer=reviewer)
        except ImportRefused as exc:
            typer.echo(f"拒绝 / refused: {exc}", err=True)
            failed += 1
            continue
        except OSError as exc:
            typer.echo(f"拒绝 / refused: {f.name}：无法读取（{exc.strerror or type(exc).__name__}）", err=True)
            failed += 1
            continue
        typer.echo(f"{f.name} → {r.application_id}：记录 {r.recorded} 条意见，{r.unchanged} 条已导入过")
        for w in r.warnings:
            typer.echo(f"  未记录 / skipped: {w}", err=True)
    repo.close()
    raise typer.Exit(1 if failed else 0)


@review_app.command("export")
def export_(
    out: Path = typer.Argument(..., help="输出目录"),
    db: Optional[str] = typer.Option(None, "--db", help="数据库 URL（默认 OUT/decisions.sqlite）"),
    publicity_days: int = typer.Option(5, "--publicity-days", help="公示期工作日数"),
    publicity_start: Optional[str] = typer.Option(None, "--publicity-start", help="公示开始日期 YYYY-MM-DD（默认今天）"),
    allow_open: bool = typer.Option(False, "--allow-open", help="允许在仍有未决事项时导出"),
) -> None:
    """写出 OUT/final.xlsx 与 OUT/公示名单.docx；仍有未决事项时拒绝（并列出），除非 --allow-open。"""
    import datetime as dt

    from pipeline.workbench.export import ExportRefused, export

    out = _out(out)
    try:
        start = dt.date.fromisoformat(publicity_start) if publicity_start else None
    except ValueError:
        typer.echo(f"日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD: {publicity_start}", err=True)
        raise typer.Exit(2)
    repo = _repo(out, db)
    try:
        result = export(out, repo, publicity_days=publicity_days, publicity_start=start, allow_open=allow_open)
    except ExportRefused as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1)
    finally:
        repo.close()
    typer.echo(result.message)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
