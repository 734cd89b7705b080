"""`jiebang calendar`: the call's dates and a working-day period on the official holiday calendar."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("calendar")
    def calendar(
        start: Optional[str] = typer.Argument(None, help="首日 YYYY-MM-DD（默认今天）/ first day of the period"),
        workdays: Optional[int] = typer.Option(None, "--workdays", "-n", help="工作日数（默认规则文件的公示期 5 天）"),
        rules: Optional[Path] = typer.Option(None, "--rules", help="规则文件 / rules YAML"),
    ) -> None:
        """显示申报截止日期和公示期（按国家法定节假日与调休计算工作日）。"""
        import datetime as dt

        from pipeline.checks.rules import load_rules
        from pipeline.checks.workdays import day_label, public_notice_period
        from pipeline.errors import RunError

        try:
            r = load_rules(rules)
            first = dt.date.fromisoformat(start) if start else dt.date.today()
        except RunError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2)
        except ValueError:
            typer.echo(f"日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD: {start}", err=True)
            raise typer.Exit(2)
        n = workdays if workdays is not None else r.dates.public_notice_workdays
        if n < 1:
            typer.echo("工作日数应至少为 1 / --workdays must be at least 1", err=True)
            raise typer.Exit(2)
        typer.echo(f"{r.notice}（规则版本 {r.version}）")
        typer.echo(f"申报截止：{r.dates.deadline.isoformat()} {day_label(r.dates.deadline)}")
        typer.echo(f"区县报送截止：{r.dates.district_deadline.isoformat()} {day_label(r.dates.district_deadline)}")
        period = public_notice_period(first, n)
        typer.echo(f"{n}个工作日：{period.days[0].isoformat()} 至 {period.date.isoformat()}")
        d = first
        while d <= period.date:
            mark = "●" if d in period.days else " "
            typer.echo(f"  {mark} {d.isoformat()} {day_label(d)}")
            d += dt.timedelta(days=1)
        if period.estimated:
            typer.echo("注意：部分日期超出官方节假日数据范围（chinese_calendar），已按周一至周五估算，请以国务院办公厅通知为准")
