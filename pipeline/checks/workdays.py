"""Working-day arithmetic on the official Chinese holiday calendar (chinese_calendar).

The notice counts its public-notice period (公示5个工作日) in working days: holidays are off and
makeup Saturdays (调休) are on. chinese_calendar carries data up to its release year and raises
NotImplementedError beyond it; then we fall back to Monday–Friday and say so (`estimated=True`)
rather than guess holidays.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar


def _is_workday(d: dt.date) -> tuple[bool, bool]:
    """(is working day, estimated by the Mon–Fri fallback)."""
    try:
        return chinese_calendar.is_workday(d), False
    except NotImplementedError:
        return d.weekday() < 5, True


def is_workday(d: dt.date) -> bool:
    return _is_workday(d)[0]


@dataclass(frozen=True)
class WorkdayResult:
    date: dt.date
    estimated: bool
    """True when some day had no official calendar data (Mon–Fri assumed)."""
    days: tuple[dt.date, ...] = ()
    """The working days counted, in order."""


def add_workdays(start: dt.date, n: int) -> WorkdayResult:
    """The n-th working day after `start` (start itself not counted; n<0 goes back).

    Same convention as chinese_calendar.find_workday; n=0 gives `start` when it is a working day,
    else the next working day.
    """
    step = 1 if n >= 0 else -1
    estimated = False
    days: list[dt.date] = []
    d = start
    if n == 0:
        while True:
            ok, est = _is_workday(d)
            estimated |= est
            if ok:
                return WorkdayResult(d, estimated, (d,))
            d += dt.timedelta(days=1)
    while len(days) < abs(n):
        d += dt.timedelta(days=step)
        ok, est = _is_workday(d)
        estimated |= est
        if ok:
            days.append(d)
    return WorkdayResult(d, estimated, tuple(days))


def count_workdays(start: dt.date, end: dt.date) -> WorkdayResult:
    """Working days in [start, end], both inclusive; `date` is `end`."""
    if end < start:
        start, end = end, start
    estimated = False
    days = []
    d = start
    while d <= end:
        ok, est = _is_workday(d)
        estimated |= est
        if ok:
            days.append(d)
        d += dt.timedelta(days=1)
    return WorkdayResult(end, estimated, tuple(days))


def public_notice_period(start: dt.date, workdays: int) -> WorkdayResult:
    """A notice period of `workdays` working days beginning on `start` (or the next working day).

    `days` are the working days of the period; `date` is its last day.
    """
    first = add_workdays(start, 0)
    if workdays <= 1:
        return first
    rest = add_workdays(first.date, workdays - 1)
    return WorkdayResult(rest.date, first.estimated or rest.estimated, first.days + rest.days)


def day_label(d: dt.date) -> str:
    """Chinese description of one day: 工作日 / 休息日 / holiday name / 调休上班."""
    wk = "一二三四五六日"[d.weekday()]
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
        workday = chinese_calendar.is_workday(d)
    except NotImplementedError:
        return f"星期{wk} {'工作日' if d.weekday() < 5 else '休息日'}（无官方日历数据，按周一至周五估算）"
    if workday and d.weekday() >= 5:
        return f"星期{wk} 调休上班"
    if workday:
        return f"星期{wk} 工作日"
    if on_holiday and name:
        return f"星期{wk} 法定节假日（{_HOLIDAY_ZH.get(str(name), str(name))}）"
    return f"星期{wk} 休息日"


_HOLIDAY_ZH = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日",
}
