"""minshi: a district's key livelihood projects (重点民生实事) as data, through the year.

The library behind the command line; every name below is loaded when it is first used::

    import minshi
    from datetime import date

    catalog = minshi.open_catalog()                  # the notice data in force
    with minshi.open_store("progress.db") as store:
        done = minshi.record(catalog, store, minshi.Submission(task="16", value="40"))
        for view in minshi.tasks_as_of(catalog, store, date.today(), lead="区城市管理局"):
            print(view.task.id, view.status)

See the README's "Python API" section and docs/design.md.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name → the module that defines it (imported on first use: `minshi --version` stays fast)
_EXPORTS = {
    "open_catalog": "minshi.api",
    "open_store": "minshi.api",
    "Catalog": "minshi.catalog",
    "answers_for": "minshi.catalog",
    "Store": "minshi.store",
    "Submission": "minshi.progress.check",
    "record": "minshi.progress.record",
    "import_file": "minshi.progress.record",
    "undo": "minshi.progress.record",
    "journal": "minshi.progress.record",
    "verify": "minshi.progress.review",
    "send_back": "minshi.progress.review",
    "returned": "minshi.progress.review",
    "close": "minshi.progress.review",
    "reopen": "minshi.progress.review",
    "tasks_as_of": "minshi.followup",
    "task_as_of": "minshi.followup",
    "metrics_as_of": "minshi.followup",
    "build_report": "minshi.report",
    "render_report": "minshi.render.report",
    "build_circular": "minshi.report",
    "render_circular": "minshi.render.circular",
    "rate": "minshi.progress.rating",
    "ratings_as_of": "minshi.progress.rating",
    "carry_over_yaml": "minshi.report.carry_over",
    "MinshiError": "minshi.errors",
    "InputError": "minshi.errors",
    "DataFileError": "minshi.errors",
    "StoreError": "minshi.errors",
}
__all__ = [
    "__version__",
    "open_catalog",
    "open_store",
    "Catalog",
    "answers_for",
    "Store",
    "Submission",
    "record",
    "import_file",
    "undo",
    "journal",
    "verify",
    "send_back",
    "returned",
    "close",
    "reopen",
    "tasks_as_of",
    "task_as_of",
    "metrics_as_of",
    "build_report",
    "render_report",
    "build_circular",
    "render_circular",
    "rate",
    "ratings_as_of",
    "carry_over_yaml",
    "MinshiError",
    "InputError",
    "DataFileError",
    "StoreError",
]

if TYPE_CHECKING:
    from minshi.api import open_catalog, open_store
    from minshi.catalog import Catalog, answers_for
    from minshi.errors import DataFileError, InputError, MinshiError, StoreError
    from minshi.followup import metrics_as_of, task_as_of, tasks_as_of
    from minshi.progress.check import Submission
    from minshi.progress.rating import rate, ratings_as_of
    from minshi.progress.record import import_file, journal, record, undo
    from minshi.progress.review import close, reopen, returned, send_back, verify
    from minshi.render.circular import render_circular
    from minshi.render.report import render_report
    from minshi.report import build_circular, build_report
    from minshi.report.carry_over import carry_over_yaml
    from minshi.store import Store


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'minshi' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
