"""Working days on the official calendar (chinese_calendar) and `jiebang calendar`."""
from __future__ import annotations

import datetime as dt

from typer.testing import CliRunner

from pipeline.checks.workdays import add_workdays, count_workdays, day_label, is_workday, public_notice_period
from pipeline.cli import app

D = dt.date


def test_holidays_and_makeup_days_2026():
    assert not is_workday(D(2026, 10, 1)) and is_workday(D(2026, 10, 10))  # 国庆 / 调休 Saturday
    assert not is_workday(D(2026, 2, 16)) and is_workday(D(2026, 2, 14))   # 春节 / 调休
    assert is_workday(D(2026, 7, 23)) and not is_workday(D(2026, 7, 25))


def test_add_workdays_matches_the_library_convention():
    r = add_workdays(D(2026, 9, 28), 5)
    assert r.date == D(2026, 10, 10) and not r.estimated  # domain-notes §4, checked against find_workday
    assert add_workdays(D(2026, 10, 12), -3).date == D(2026, 10, 8)
    assert add_workdays(D(2026, 10, 3), 0).date == D(2026, 10, 8)


def test_public_notice_period_spans_the_national_day_holiday():
    p = public_notice_period(D(2026, 9, 30), 5)
    assert p.days == (D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10), D(2026, 10, 12))
    assert count_workdays(D(2026, 10, 1), D(2026, 10, 12)).days == p.days[1:]


def test_years_without_calendar_data_fall_back_to_weekdays_and_say_so():
    r = add_workdays(D(2026, 12, 30), 3)
    assert r.date == D(2027, 1, 4) and r.estimated  # 2027-01-01 (a Friday) counted: no data yet
    assert "估算" in day_label(D(2027, 1, 1))
    assert not count_workdays(D(2026, 7, 1), D(2026, 7, 31)).estimated


def test_day_labels():
    assert "国庆节" in day_label(D(2026, 10, 1))
    assert "调休上班" in day_label(D(2026, 10, 10))
    assert day_label(D(2026, 10, 11)) == "星期日 休息日"


def test_calendar_command():
    runner = CliRunner()
    res = runner.invoke(app, ["calendar", "2026-09-30"])
    assert res.exit_code == 0, res.output
    assert "申报截止：2026-07-23" in res.output and "区县报送截止：2026-07-27" in res.output
    assert "5个工作日：2026-09-30 至 2026-10-12" in res.output
    assert "● 2026-10-10 星期六 调休上班" in res.output
    res = runner.invoke(app, ["calendar", "2026-12-30", "--workdays", "3"])
    assert res.exit_code == 0 and "2027-01-01" in res.output and "估算" in res.output
    res = runner.invoke(app, ["calendar", "30/09/2026"])
    assert res.exit_code == 2
