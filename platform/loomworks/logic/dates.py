"""Date arithmetic for rules: ``{"date_add": [<date or date-time>, <amount>, <unit>]}``.

JsonLogic has no dates; records carry them as ISO strings (``2026-03-01``,
``2026-03-01T09:00:00+08:00``). ``date_add`` moves one by a whole number of minutes, hours,
days, weeks or months (months keep the day where the month has it, else its last day) and
answers in the same form: a date stays a date (adding hours or minutes to a date makes
it a date-time at midnight UTC first). A null date gives null, so a rule over an empty
field quietly yields nothing. Over constants (``$now``) the SQL compiler folds it like any
eager operator; over a record field it is refused there, as it cannot be said in SQL.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
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
