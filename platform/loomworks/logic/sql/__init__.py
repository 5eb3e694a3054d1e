"""Compile JsonLogic filters to SQLAlchemy conditions that agree with the evaluator.

A filter selects exactly the rows for which ``truthy(evaluate(rule, record))`` holds, where
``record`` is the row as the records API returns it: dates ``YYYY-MM-DD``, datetimes in UTC
as ``isoformat()`` writes them (``+00:00``, microseconds only when non-zero), ``null`` for
empty, and an empty list field read as ``null``. Every compiled condition is two-valued:
SQL NULLs are resolved inside each predicate, so ``!`` and ``!=`` never gain or lose rows
through three-valued logic. Faithful includes JS's surprises: a null number orders as 0,
so ``{"<": [{"var": "amount"}, 100]}`` selects rows without an amount, as the browser does.

Supported on record fields: ``var`` (a field, or a one-hop ``relation.field``),
``== != === !==``, ``< <= > >=`` (chained, so ``{"<": [1, {"var": "x"}, 5]}`` is between),
``in`` (a field in a literal array; a literal inside a text or list field; a field inside
a literal text), ``and``, ``or``, ``if``/``?:``, ``!``, ``!!``, ``missing`` and
``missing_some``. ``$user.*`` and ``$now`` come from the scope as constants. A sub-rule
that reads no field is evaluated in Python, so every operator works on constants.

Refused with :class:`UnsupportedFilter` (a 400), and why:

* Iterators, ``val``, ``exists``, ``try``, ``??`` and arithmetic or text operators over
  fields: SQL has no faithful equivalent of their JavaScript behaviour.
* Comparisons where JavaScript would convert text to a number: a text, date or datetime
  field against a number, boolean or null (``==`` null is fine), or a number or boolean
  field against non-numeric text. The evaluator raises for such rows, or the answer rests
  on coercions no filter means. ``==`` against arrays and objects is refused too.
* Ordering two text fields, or a text field against text holding characters from U+D800
  up: JavaScript orders strings by UTF-16 code units, the database (``BINARY``/``"C"``)
  by code point, and the two orders differ only there.
* Text with NUL or unpaired surrogates, which the databases cannot hold.

Dates and datetimes order as their ISO text does, exactly as in the evaluator, so
``{"<": [{"var": "due"}, "2026-01"]}`` means "before the text 2026-01". One deliberate
difference: ordering a null date, datetime or text field against non-numeric text makes
the evaluator raise its ``NaN`` error, where json-logic-js (the browser) answers false;
the filter answers false for such rows, as json-logic-js does.

The package's modules, in the order a rule meets them: :mod:`.walker` walks the rule and
dispatches each operator to :mod:`.variables`, :mod:`.connectives`, :mod:`.comparisons` or
:mod:`.membership`; those build on :mod:`.terms` (what a compiled sub-rule is),
:mod:`.values` (JS values as SQL expressions), :mod:`.temporal` (dates and datetimes as
the record JSON writes them) and :mod:`.dialects` (SQL that differs between SQLite and
PostgreSQL). :mod:`.folding` runs sub-rules that read no field through the evaluator.
"""

from loomworks.logic.sql.errors import UnsupportedFilter
from loomworks.logic.sql.scope import KINDS, ColumnRef, FilterScope
from loomworks.logic.sql.walker import compile_filter

__all__ = ["KINDS", "ColumnRef", "FilterScope", "UnsupportedFilter", "compile_filter"]
