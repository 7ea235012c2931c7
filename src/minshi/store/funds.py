"""Funds allocated (到位) and paid out (支付) for a task, as of a date.

They are cumulative amounts (万元) a unit reports with any metric of the task, like the
investment completed; the newest of each as of a date counts, on the basis asked for. Few
entries carry them, and an index holds just those (`entry_with_funds`).
"""

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from minshi.errors import InputError
from minshi.store.journal import _BASIS, _NOT_RETRACTED, Basis, Journal, _chosen
from minshi.tuples import NamedTuple

# `+x.retracts`: not an index term, so that SQLite reads the few entries with money through
# their own index instead of every entry standing (ten thousand times fewer on a province)
_FUNDS = f"""
    SELECT x.notice, x.task, x.allocated, x.paid FROM {{entry}} x
    WHERE (x.allocated IS NOT NULL OR x.paid IS NOT NULL)
      AND +x.retracts IS NULL AND x.date <= ? AND {_NOT_RETRACTED.format(alias="x")} {{basis}}
      {{where}}
    ORDER BY x.date, x.id
"""


class Funding(NamedTuple):
    """The newest amounts reported for a task (万元); None where nothing was reported."""

    allocated: Decimal | None = None
    paid: Decimal | None = None


class FundsJournal(Journal):
    """The journal, read for the money of its tasks."""

    def funds_as_of(
        self,
        as_of: date,
        *,
        notice: str | None = None,
        tasks: Collection[int] | None = None,
        basis: Basis = "reported",
    ) -> dict[tuple[str, int], Funding]:
        """Per task with money reported by `as_of`: the newest allocated and paid amounts."""
        if (tasks is not None and not tasks) or not self._exists():
            return {}
        if basis not in _BASIS:
            raise InputError(f"unknown basis '{basis}' (use reported or verified)")
        where, chosen = _chosen(notice, tasks, "x.")
        params = [self._day(as_of), *chosen]
        sql = _FUNDS.replace("{basis}", _BASIS[basis])
        sql = sql.replace("{where}", "".join(f" AND {w}" for w in where))
        found: dict[tuple[str, int], Funding] = {}
        with self._read() as cur:
            cur.execute(self._sql(sql), params)
            rows = cur.fetchall()
        for task_notice, task, allocated, paid in rows:
            key = (task_notice, int(task))
            was = found.get(key, Funding())
            found[key] = Funding(
                was.allocated if allocated is None else self.reader.number(allocated),
                was.paid if paid is None else self.reader.number(paid),
            )
        return found
