"""Date arithmetic for rules: ``{"date_add": [<date or date-time>, <amount>, <unit>]}``,
``{"date_diff": [<later>, <earlier>, <unit>]}`` and ``{"to_date": [<date-time>, <offset>?]}``.

JsonLogic has no dates; records carry them as ISO strings (``2026-03-01``,
``2026-03-01T09:00:00+08:00``). ``date_add`` moves one by a whole number of minutes, hours,
days, weeks or months (months keep the day where the month has it, else its last day) and
answers in the same form: a date stays a date (adding hours or minutes to a date makes
it a date-time at midnight UTC first). A null date gives null, so a rule over an empty
field quietly yields nothing. Over constants (``$now``) the SQL compiler folds it like any
eager operator; over a record field it is refused there, as it cannot be said in SQL.

``date_diff`` counts whole minutes, hours, days or weeks from the earlier to the later
value (negative when it is not later; truncated toward zero), a date counting as its
midnight UTC: "days to deliver" is ``date_diff`` of the completion and start dates.
``to_date`` is the calendar date of a date-time in a UTC offset (``"+08:00"``; default the
value's own), so a rule can write "today" into a date field: ``to_date($now, "+08:00")``.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from loomworks.logic.operators import ArgForm, Context, Operator, collect

_DATES: list[Operator] = []
_op = collect(_DATES)
UNITS = ("minutes", "hours", "days", "weeks", "months")


@_op("date_add", form=ArgForm.SPREAD, summary="A date or date-time moved by an amount of minutes...months.")
def _date_add(args: list[Any], ctx: Context) -> Any:
    if len(args) != 3:
        raise ctx.fail("needs a date, an amount and a unit")
    value, amount, unit = args
    if value is None:
        return None
    if not isinstance(amount, int | float) or isinstance(amount, bool) or amount != int(amount):
        raise ctx.fail("the amount must be a whole number")
    if unit not in UNITS:
        raise ctx.fail(f"the unit must be one of {', '.join(UNITS)}")
    moment = _parse(value, ctx)
    if isinstance(moment, date) and not isinstance(moment, datetime) and unit in ("minutes", "hours"):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    try:
        moved = _months(moment, int(amount)) if unit == "months" else moment + timedelta(**{unit: int(amount)})
    except OverflowError:
        raise ctx.fail("the result is out of range") from None
    return moved.isoformat()


DIFF_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}


@_op("date_diff", form=ArgForm.SPREAD, summary="Whole minutes, hours, days or weeks from the second date to the first.")
def _date_diff(args: list[Any], ctx: Context) -> Any:
    if len(args) != 3:
        raise ctx.fail("needs a later date, an earlier date and a unit")
    later, earlier, unit = args
    if unit not in DIFF_SECONDS:
        raise ctx.fail(f"the unit must be one of {', '.join(DIFF_SECONDS)}")
    if later is None or earlier is None:
        return None
    seconds = (_instant(_parse(later, ctx)) - _instant(_parse(earlier, ctx))).total_seconds()
    return int(seconds / DIFF_SECONDS[unit])


@_op("to_date", form=ArgForm.SPREAD, summary="The calendar date of a date-time, in a UTC offset such as +08:00.")
def _to_date(args: list[Any], ctx: Context) -> Any:
    if not 1 <= len(args) <= 2:
        raise ctx.fail("needs a date-time and, optionally, a UTC offset")
    if args[0] is None:
        return None
    moment = _parse(args[0], ctx)
    if not isinstance(moment, datetime):
        return moment.isoformat()
    if len(args) == 2:
        moment = _instant(moment).astimezone(_offset(args[1], ctx))
    return moment.date().isoformat()


def _instant(moment: date) -> datetime:
    if not isinstance(moment, datetime):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _offset(value: Any, ctx: Context) -> timezone:
    if not isinstance(value, str) or len(value) != 6 or value[0] not in "+-" or value[3] != ":":
        raise ctx.fail("the offset must look like +08:00")
    try:
        hours, minutes = int(value[1:3]), int(value[4:6])
    except ValueError:
        raise ctx.fail("the offset must look like +08:00") from None
    if hours > 14 or minutes > 59:
        raise ctx.fail("the offset must be between -14:00 and +14:00")
    sign = 1 if value[0] == "+" else -1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _parse(value: Any, ctx: Context) -> date:
    if not isinstance(value, str):
        raise ctx.fail("the first argument must be an ISO date or date-time")
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ctx.fail(f"{value[:40]!r} is not an ISO date or date-time") from None


def _months(moment: date, months: int) -> date:
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    if not 1 <= year <= 9999:
        raise OverflowError
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


BUILTINS: tuple[Operator, ...] = tuple(_DATES)
