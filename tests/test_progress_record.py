"""progress.record: recording a report, importing a file, taking a report back, reading the
journal, as a script calls them on a real SQLite journal in tmp_path.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import minshi
from minshi.catalog import load
from minshi.errors import InputError
from minshi.progress.check import Submission
from minshi.progress.record import Imported, Recorded, import_submissions, journal, record, undo
from minshi.store import NewEntry, ProgressEntry, Store
from tests.conftest import BUNDLED

CATALOG = load(BUNDLED, use_cache=False)
NOTICE = "wanzhou-2024"
TODAY = date(2024, 6, 30)


def goes_down(old: str, day: str, new: str, unit: str = "个") -> str:
    return (
        f"the cumulative figure goes down ({old} {unit} as of {day} → {new} {unit}); if the "
        "earlier report was wrong, this corrects it, otherwise take this one back with: "
        "minshi progress undo"
    )


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "p.db"


@pytest.fixture
def store(path: Path) -> Iterator[Store]:
    with minshi.open_store(path) as opened:
        yield opened


def put(store: Store, by: str = "统计脚本", **fields: str) -> Recorded:
    """Record one report as of 2024-06-30 at the latest."""
    fields.setdefault("task", "16")
    return record(CATALOG, store, Submission(**fields), by=by, today=TODAY)  # type: ignore[arg-type]


# -- record -------------------------------------------------------------------------------------


def test_record_gives_the_entry_what_stood_before_and_the_new_state(store: Store) -> None:
    done = put(store, value="40", date="2024-06-30", note="已开工40个")
    assert (done.entry.id, done.entry.value, done.entry.note, done.entry.by) == (
        1,
        40,
        "已开工40个",
        "统计脚本",
    )
    assert done.metric.key == "老旧小区"
    assert done.before is None
    assert done.view.state.status == "on_track"
    assert done.view.state.progress == pytest.approx(40 / 95)
    assert done.view.entry == done.entry
    assert done.warnings == []
    again = put(store, value="50", date="2024-06-30")
    assert again.before == done.entry
    assert again.view.state.actual == 50


def test_before_is_what_stood_as_of_the_reports_own_date(store: Store) -> None:
    put(store, value="40", date="2024-06-30")
    earlier = put(store, value="30", date="2024-05-31")  # a late report of May
    assert earlier.before is None
    assert earlier.warnings == []
    assert earlier.view.state.actual == 30  # as of its own date


def test_record_warns_of_a_figure_going_down_and_of_a_slip(store: Store) -> None:
    put(store, value="40", date="2024-05-31")
    down = put(store, value="30.5", date="2024-06-30")
    assert down.warnings == [
        "task 16 老旧小区: 30.5 个 is not a whole number",
        goes_down("40", "2024-05-31", "30.5"),
    ]
    assert down.entry.id == 2  # accepted all the same


def test_record_warns_of_a_finished_milestone_reported_unfinished(store: Store) -> None:
    put(store, task="20", metric="其芳小学", done="是", date="2024-06-01")
    back = put(store, task="20", metric="其芳小学", percent="90", date="2024-06-02")
    assert back.warnings == [
        "task 20 其芳小学 was reported finished on 2024-06-01; this report says it is not "
        "(minshi progress undo takes it back)"
    ]
    assert back.view.state.status == "on_track"


def test_a_refused_report_writes_nothing_not_even_the_file(store: Store, path: Path) -> None:
    with pytest.raises(InputError, match="more than 3× the target 95 个"):
        put(store, value="4000")
    assert not path.exists()
    forced = record(
        CATALOG, store, Submission(task="16", value="4000"), by="x", force=True, today=TODAY
    )
    assert (forced.entry.value, forced.view.state.status) == (4000, "done")


# -- import_submissions -------------------------------------------------------------------------


def rows(*reports: dict[str, str]) -> list[Submission]:
    return [
        Submission(where=f"line {n}", **{"task": "16", **fields})
        for n, fields in enumerate(reports, start=2)
    ]


def load_rows(store: Store, reports: list[Submission], **kw: bool) -> Imported:
    return import_submissions(CATALOG, store, reports, "6月.csv", by="统计脚本", today=TODAY, **kw)


JUNE_FILE = rows(
    {"value": "40", "date": "2024-06-30", "note": "已开工40个"},
    {"metric": "改造面积", "value": "150万", "date": "2024-06-30"},
    {"task": "20", "metric": "其芳小学", "done": "是", "date": "2024-06-15"},
)


def test_an_import_writes_every_row_in_one_go(store: Store) -> None:
    done = load_rows(store, JUNE_FILE)
    assert (done.source, done.rows, done.warnings) == ("6月.csv", 3, [])
    assert [(e.id, e.task, e.metric, e.value, e.done) for e in done.entries] == [
        (1, 16, "老旧小区", 40, None),
        (2, 16, "改造面积", 1500000, None),
        (3, 20, "其芳小学", None, True),
    ]
    assert store.count() == 3


def test_one_bad_row_refuses_the_whole_file(store: Store, path: Path) -> None:
    bad = [*JUNE_FILE, Submission(task="99", value="1", where="line 5")]
    with pytest.raises(InputError) as caught:
        load_rows(store, bad)
    assert caught.value.message == "6月.csv: 1 bad row; nothing was imported"
    assert caught.value.details == ["line 5: no task 99 in wanzhou-2024 (tasks are 1–21)"]
    assert not path.exists()


def test_a_file_imported_twice_is_refused_unless_again(store: Store) -> None:
    load_rows(store, JUNE_FILE)
    with pytest.raises(InputError) as caught:
        load_rows(store, JUNE_FILE)
    assert caught.value.message == (
        "6月.csv: 3 of 3 rows are already in the journal (imported before?); nothing was "
        "imported. Add --again to import them once more"
    )
    assert caught.value.details == [
        "line 2: the same report is already entry 1",
        "line 3: the same report is already entry 2",
        "line 4: the same report is already entry 3",
    ]
    assert store.count() == 3
    again = load_rows(store, JUNE_FILE, again=True)
    assert [e.id for e in again.entries] == [4, 5, 6]


def test_one_repeated_row_refuses_the_file_and_a_changed_one_does_not(store: Store) -> None:
    load_rows(store, JUNE_FILE[:1])
    with pytest.raises(InputError, match=r"^6月.csv: 1 of 2 rows are already in the journal"):
        load_rows(store, JUNE_FILE[:2])
    corrected = rows({"value": "41", "date": "2024-06-30", "note": "已开工40个"})
    assert load_rows(store, corrected).rows == 1  # another figure: another report


def test_a_row_taken_back_before_may_be_imported_again(store: Store) -> None:
    load_rows(store, JUNE_FILE[:1])
    store.retract(1, by="统计脚本")
    assert [e.id for e in load_rows(store, JUNE_FILE[:1]).entries] == [3]


def test_a_dry_run_checks_and_doubts_but_writes_nothing(store: Store, path: Path) -> None:
    checked = load_rows(store, rows({"value": "40.5", "date": "2024-06-30"}), dry_run=True)
    assert (checked.rows, checked.entries) == (1, [])
    assert checked.warnings == ["line 2: task 16 老旧小区: 40.5 个 is not a whole number"]
    assert not path.exists()
    put(store, value="40", date="2024-05-31")
    with pytest.raises(InputError, match="already in the journal"):
        load_rows(store, rows({"value": "40", "date": "2024-05-31"}), dry_run=True)
    assert store.count() == 1


def test_a_row_going_down_against_the_journal_is_doubted(store: Store) -> None:
    put(store, value="40", date="2024-05-31")
    put(store, value="90", date="2024-06-30")  # after the file's rows: not what stood before
    done = load_rows(store, rows({"value": "30", "date": "2024-06-01"}))
    assert done.warnings == [f"line 2: {goes_down('40', '2024-05-31', '30')}"]
    assert done.rows == 1


def test_a_row_going_down_against_an_earlier_row_of_the_file_is_doubted(store: Store) -> None:
    file = rows(
        {"value": "30", "date": "2024-06-01"},  # read in the order of the dates, not of the lines
        {"value": "40", "date": "2024-05-01"},
        {"task": "5", "value": "1", "date": "2024-06-01"},
        {"value": "35", "date": "2024-06-01"},  # the same day, after line 2: it grew
    )
    done = load_rows(store, file)
    assert done.warnings == [f"line 2: {goes_down('40', '2024-05-01', '30')}"]


def test_a_milestone_unfinished_in_a_file_is_doubted(store: Store) -> None:
    put(store, task="20", metric="其芳小学", done="是", date="2024-06-01")
    done = load_rows(
        store, rows({"task": "20", "metric": "其芳小学", "stage": "装修", "date": "2024-06-02"})
    )
    assert done.warnings == [
        "line 2: task 20 其芳小学 was reported finished on 2024-06-01; this report says it is "
        "not (minshi progress undo takes it back)"
    ]


def test_import_file_reads_a_csv(store: Store, tmp_path: Path) -> None:
    csv = tmp_path / "6月.csv"
    csv.write_text(
        "notice,task,metric,value,date,note\n"
        ",16,,40,2024-06-30,已开工40个\n"
        "wanzhou-2024,5,街头绿地,1,2024/6/30,\n",
        encoding="utf-8-sig",
    )
    done = minshi.import_file(CATALOG, store, csv, by="统计脚本", today=TODAY)
    assert (done.source, done.rows) == (str(csv), 2)
    assert [(e.task, e.metric, e.value, e.date) for e in done.entries] == [
        (16, "老旧小区", 40, TODAY),
        (5, "街头绿地", 1, TODAY),
    ]


def test_a_value_the_journal_cannot_keep_is_named_by_its_line_even_on_a_dry_run(
    store: Store,
) -> None:
    # 13 digits after the point, as a spreadsheet's floating point writes 12.3: the journal keeps
    # 12, so the file must be refused naming the line, and the dry run must say so too
    file = rows(
        {"value": "40", "date": "2024-06-30"},
        {"metric": "改造面积", "value": "12.3000000000001", "date": "2024-06-30"},
    )
    with pytest.raises(InputError) as caught:
        load_rows(store, file, dry_run=True)
    assert caught.value.message == "6月.csv: 1 bad row; nothing was imported"
    assert [d.split(":")[0] for d in caught.value.details] == ["line 3"]


# -- undo ---------------------------------------------------------------------------------------


def test_undo_an_entry_records_its_retraction_and_says_what_stands(store: Store) -> None:
    put(store, value="30", date="2024-05-31")
    put(store, value="40", date="2024-06-30")
    put(store, value="50", date="2024-06-30")  # a slip, recorded after the figure of the day
    undone = undo(CATALOG, store, 3, by="王", note="录错了")
    assert undone.target.id == 3
    assert undone.retraction is not None
    assert (undone.retraction.id, undone.retraction.retracts) == (4, 3)
    assert (undone.retraction.by, undone.retraction.note) == ("王", "录错了")
    assert undone.after is not None and (undone.after.id, undone.after.value) == (2, 40)
    assert undone.unit == "个"
    assert minshi.task_as_of(CATALOG, store, "16", TODAY).metric("老旧小区").state.actual == 40
    assert store.get(3) is not None and store.get(3).retracted_by == 4  # type: ignore[union-attr]


def test_undo_the_only_report_leaves_nothing_standing(store: Store) -> None:
    put(store, task="20", metric="其芳小学", percent="50", date="2024-06-01")
    undone = undo(CATALOG, store, 1, by="王")
    assert (undone.after, undone.unit) == (None, None)  # a milestone has no unit of measure


def test_undo_without_an_id_takes_back_your_own_last_report(store: Store) -> None:
    put(store, by="王", value="40", date="2024-06-01")
    put(store, by="李", value="45", date="2024-06-02")  # someone else's, recorded later
    undone = undo(CATALOG, store, by="王")
    assert undone.target.id == 1 and undone.target.by == "王"
    assert store.get(2) is not None and store.get(2).retracted_by is None  # type: ignore[union-attr]
    with pytest.raises(InputError) as caught:
        undo(CATALOG, store, by="王")  # nothing of 王's stands any more
    assert caught.value.message == (
        "王 has no report to take back; name one: minshi progress undo ENTRY "
        "(see: minshi progress log)"
    )


def test_undo_never_takes_back_someone_elses_report(store: Store) -> None:
    put(store, by="李", value="45", date="2024-06-02")
    with pytest.raises(InputError, match=r"^赵 has no report to take back"):
        undo(CATALOG, store, by="赵")
    assert store.count() == 1


def test_a_dry_run_undo_says_what_would_stand_and_writes_nothing(store: Store) -> None:
    put(store, value="30", date="2024-05-31")
    put(store, value="40", date="2024-06-30")
    undone = undo(CATALOG, store, by="统计脚本", dry_run=True)
    assert undone.target.id == 2
    assert undone.retraction is None
    assert undone.after is not None and undone.after.value == 30
    assert store.count() == 2
    assert store.get(2) is not None and store.get(2).retracted_by is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("entry_id", "message"),
    [
        (9, "there is no entry 9 in the store {path}"),
        (2, "entry 2 is itself the retraction of entry 1 and cannot be retracted"),
        (1, "entry 1 was already retracted (by entry 2)"),
    ],
)
def test_undo_refuses_what_cannot_be_taken_back(
    store: Store, path: Path, entry_id: int, message: str
) -> None:
    put(store, value="40")
    undo(CATALOG, store, 1, by="王")
    with pytest.raises(InputError) as caught:
        undo(CATALOG, store, entry_id, by="王")
    assert caught.value.message == message.format(path=path)
    assert store.count() == 2


def test_undo_of_a_notice_no_longer_loaded_still_works(store: Store) -> None:
    store.add(
        [NewEntry(notice="wanzhou-2023", task=3, metric="旧指标", date=TODAY, value=Decimal(7))]
    )
    undone = undo(CATALOG, store, 1, by="王")
    assert undone.retraction is not None and undone.unit is None


# -- journal ------------------------------------------------------------------------------------


@pytest.fixture
def year(store: Store) -> Store:
    """Six reports on four tasks, entered out of date order, one of them taken back."""
    for task, metric, value, day in [
        ("16", "老旧小区", "20", "2024-04-30"),  # 1 区住房城乡建委
        ("5", "街头绿地", "1", "2024-05-31"),  # 2 区城市管理局
        ("16", "老旧小区", "40", "2024-06-30"),  # 3
        ("11", "农业农村委承担", "20000", "2024-06-15"),  # 4 区农业农村委 (a part)
        ("10", "黑臭水体", "5", "2024-03-31"),  # 5 区生态环境局, 区农业农村委 cooperating
        ("16", "改造面积", "100万", "2024-05-15"),  # 6
    ]:
        put(store, task=task, metric=metric, value=value, date=day)
    store.retract(3, by="统计脚本")  # 7
    return store


def ids(found: list[ProgressEntry]) -> list[int]:
    return [e.id for e in found]


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ({}, [7, 6, 5, 4, 3, 2, 1]),  # newest first, the retraction too
        ({"task": "16"}, [7, 6, 3, 1]),
        ({"task": "wanzhou-2024/5"}, [2]),
        ({"notice": NOTICE, "task": "11"}, [4]),
        ({"lead": "区住建委"}, [7, 6, 3, 1]),
        ({"lead": "区农业农村委"}, [4]),  # the part it owns
        ({"unit": "区农业农村委"}, [5, 4]),  # and what it cooperates on
        ({"lead": "区城市管理局", "task": "16"}, []),  # not its task
        ({"since": date(2024, 5, 31)}, [7, 4, 3, 2]),  # by the date reported for
        ({"until": date(2024, 5, 15)}, [6, 5, 1]),
        ({"since": date(2024, 5, 1), "until": date(2024, 5, 31)}, [6, 2]),
        ({"limit": 2}, [7, 6]),
        ({"task": "16", "limit": 3}, [7, 6, 3]),
        ({"lead": "区住房城乡建委", "since": date(2024, 5, 1), "limit": 1}, [7]),
        ({"limit": 0}, []),
    ],
)
def test_journal_filters(year: Store, choice: dict[str, object], expected: list[int]) -> None:
    assert ids(journal(CATALOG, year, **choice)) == expected  # type: ignore[arg-type]


def test_journal_marks_what_was_taken_back(year: Store) -> None:
    retraction, _, taken_back, _ = journal(CATALOG, year, task="16")
    assert (taken_back.id, taken_back.retracted_by) == (3, 7)
    assert (retraction.id, retraction.retracts, retraction.value) == (7, 3, None)


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({"notice": "wanzhou-2025"}, "no notice 'wanzhou-2025'; did you mean wanzhou-2024?"),
        ({"task": "22"}, "no task 22 in wanzhou-2024 (tasks are 1–21)"),
        (
            {"lead": "区城市管局"},
            "unknown unit '区城市管局'; did you mean 区城市管理局? (see: minshi units)",
        ),
        ({"limit": -1}, "the number of entries must not be negative, not -1"),
        ({"task": "16", "limit": -1}, "the number of entries must not be negative, not -1"),
    ],
)
def test_journal_refuses_bad_filters(year: Store, choice: dict[str, object], message: str) -> None:
    with pytest.raises(InputError) as caught:
        journal(CATALOG, year, **choice)  # type: ignore[arg-type]
    assert caught.value.message == message


def test_the_journal_of_a_store_not_yet_written_is_empty(path: Path) -> None:
    with minshi.open_store(path, create=False) as reader:
        assert journal(CATALOG, reader) == []
        assert journal(CATALOG, reader, task="16") == []
    assert not path.exists()
