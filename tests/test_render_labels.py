"""render.labels: the status words and colours, and how a reading and a metric's standing are put
in words ('40/95 个 (42%)', '进行中 60%，主体完工', '未报'), on metrics of the bundled notice.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minshi.catalog import load
from minshi.errors import InputError
from minshi.followup import MetricView
from minshi.models import Metric
from minshi.render.labels import (
    ANSI,
    PALETTE,
    SENTENCE_LABELS,
    STATUS_LABELS,
    metric_state_text,
    metric_summary,
    parse_statuses,
    reading_text,
    summary_with_status,
)
from minshi.status import STATUS_ORDER, Reading, Status, metric_state
from minshi.store import ProgressEntry
from tests.conftest import BUNDLED

CATALOG = load(BUNDLED, use_cache=False)
NOTICE = CATALOG.notice("wanzhou-2024")
JUNE = date(2024, 6, 30)


def view_of(metric: Metric, reading: Reading | None, as_of: date = JUNE) -> MetricView:
    info = NOTICE.notice
    state = metric_state(metric, reading, as_of=as_of, period=info.period, bands=info.bands)
    return MetricView(metric, state, reading, None)


def view(task: int, key: str, reading: Reading | None, as_of: date = JUNE) -> MetricView:
    metric = next(m for m in CATALOG.find_task(task)[1].metrics if m.key == key)
    return view_of(metric, reading, as_of)


# -- the words and colours of every status ------------------------------------------------------


def test_every_status_has_a_label_a_sentence_word_and_colours() -> None:
    statuses = set(get_args(Status))
    assert set(STATUS_ORDER) == statuses
    for table in (STATUS_LABELS, SENTENCE_LABELS, ANSI, PALETTE):
        assert set(table) == statuses
    assert len(set(STATUS_LABELS.values())) == len(statuses)  # no two statuses read the same
    for shade in PALETTE.values():
        colours = (shade.background, shade.ink, shade.bar, shade.sheet)
        assert all(re.fullmatch(r"[0-9A-Fa-f]{6}", c) for c in colours)
    assert all(re.fullmatch(r"[0-9;]+", code) for code in ANSI.values())


def test_the_office_words_for_each_status() -> None:
    assert STATUS_LABELS == {
        "done": "已完成",
        "overdue": "逾期未完成",
        "ahead": "超序时",
        "on_track": "按序时",
        "behind": "滞后",
        "far_behind": "严重滞后",
        "not_measured": "待评估",
        "closed": "已销号",
    }
    assert PALETTE["far_behind"] == PALETTE["overdue"]  # both red
    assert PALETTE["done"] != PALETTE["on_track"]


# -- parse_statuses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "statuses"),
    [
        ("behind,far_behind", {"behind", "far_behind"}),
        ("滞后，严重滞后", {"behind", "far_behind"}),
        ("已完成、按序时", {"done", "on_track"}),
        ("逾期", {"overdue"}),
        ("逾期未完成,overdue", {"overdue"}),
        (" Behind , DONE ,", {"behind", "done"}),
        ("超序时,待评估", {"ahead", "not_measured"}),
        ("", set()),
        (",，、", set()),
    ],
)
def test_statuses_by_name_or_chinese_label(text: str, statuses: set[str]) -> None:
    assert parse_statuses(text) == statuses


def test_unknown_statuses_are_all_named_with_the_known_ones() -> None:
    with pytest.raises(InputError) as caught:
        parse_statuses("behind, 落后, late")
    assert caught.value.message == (
        "unknown status 落后, late (use overdue (逾期未完成), far_behind (严重滞后), "
        "behind (滞后), not_measured (待评估), on_track (按序时), ahead (超序时), done (已完成), "
        "closed (已销号))"
    )


# -- reading_text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reading", "unit", "text"),
    [
        (None, "个", "—"),
        (Reading(), "个", "—"),
        (Reading(value=Decimal(40)), "个", "40 个"),
        (Reading(value=Decimal(0)), "个", "0 个"),
        (Reading(value=Decimal(2840000)), "平方米", "284万 平方米"),
        (Reading(value=Decimal(130000)), "人", "13万 人"),
        (Reading(value=Decimal("1.5")), "公里", "1.5 公里"),
        (Reading(value=Decimal(85)), "%", "85%"),
        (Reading(value=Decimal(40)), None, "40"),
        (Reading(value=Decimal(40), done=True), "个", "40 个"),  # the figure comes first
        (Reading(done=True, percent=Decimal(100), stage="已竣工"), None, "已完成"),
        (Reading(percent=Decimal(60)), None, "进行中 60%"),
        (Reading(stage="主体完工"), None, "进行中，主体完工"),
        (Reading(percent=Decimal("62.5"), stage="主体完工"), None, "进行中 62.5%，主体完工"),
        (Reading(percent=Decimal(0)), None, "进行中 0%"),
    ],
)
def test_reading_text_for_each_kind_of_reading(
    reading: Reading | None, unit: str | None, text: str
) -> None:
    assert reading_text(reading, unit) == text


def test_a_journal_entry_reads_as_its_reading() -> None:
    moment = datetime(2024, 6, 30, tzinfo=UTC)
    entry = ProgressEntry(1, "wanzhou-2024", 20, "其芳小学", JUNE, moment, stage="封顶")
    assert reading_text(entry, None) == "进行中，封顶"
    retraction = ProgressEntry(2, "wanzhou-2024", 20, "其芳小学", JUNE, moment, retracts=1)
    assert reading_text(retraction, None) == "—"


def test_a_figure_with_many_digits_is_shown_exactly() -> None:
    # the journal keeps up to 30 digits before the point and 12 after; what it shows must be
    # the figure it holds, not one rounded to 28 digits
    figure = Decimal("12345678901234567.890123456789")
    assert reading_text(Reading(value=figure), "平方米") == "12345678901234567.890123456789 平方米"


FINITE = st.decimals(min_value=0, allow_nan=False, allow_infinity=False)


@given(value=FINITE, unit=st.sampled_from([None, "个", "平方米", "%", "万元"]))
def test_reading_text_never_raises_for_a_finite_figure(value: Decimal, unit: str | None) -> None:
    assert reading_text(Reading(value=value), unit)
    assert reading_text(Reading(percent=value, stage="主体完工"), None).startswith("进行中 ")


@given(value=st.decimals(min_value=0, max_value=10**15, places=4, allow_nan=False))
def test_a_figure_as_shown_is_the_figure(value: Decimal) -> None:
    shown = reading_text(Reading(value=value), None)
    scale = {"万": 4, "亿": 8}.get(shown[-1:], 0)
    assert Decimal(shown.rstrip("万亿")).scaleb(scale) == value


# -- metric_summary, summary_with_status, metric_state_text -------------------------------------


@pytest.mark.parametrize(
    ("task", "key", "reading", "summary"),
    [
        (16, "老旧小区", Reading(value=Decimal(40)), "40/95 个 (42%)"),
        (16, "老旧小区", None, "—/95 个"),
        (16, "改造面积", Reading(value=Decimal(1500000)), "150万/284万 平方米 (53%)"),
        (2, "需求学生覆盖", Reading(value=Decimal(85)), "85/100% (85%)"),
        (2, "需求学生覆盖", None, "—/100%"),
        (9, "错时共享泊位", Reading(value=Decimal("994.6")), "994.6/1000 个 (99%)"),  # not 100%
        (16, "老旧小区", Reading(value=Decimal(190)), "190/95 个 (200%)"),  # uncapped
        (20, "其芳小学", Reading(done=True, percent=Decimal(100)), "已完成"),
        (20, "其芳小学", Reading(percent=Decimal(60), stage="主体完工"), "进行中 60%，主体完工"),
        (20, "其芳小学", Reading(stage="主体完工"), "进行中，主体完工"),
        (20, "其芳小学", None, "未报"),
    ],
)
def test_metric_summary(task: int, key: str, reading: Reading | None, summary: str) -> None:
    assert metric_summary(view(task, key, reading)) == summary


def test_a_metric_without_a_target_in_force_says_so() -> None:
    pending = Metric(key="泊位", name="新增泊位", kind="quantity", unit="个", provisional=True)
    shown = view_of(pending, Reading(value=Decimal(300)))
    assert metric_summary(shown) == "300/待定 个"
    assert metric_state_text(shown) == "300/待定 个，待评估（序时进度50%）"


def test_summary_with_status_says_a_finished_milestone_once() -> None:
    assert summary_with_status("40/95 个 (42%)", "on_track") == "40/95 个 (42%)，按序时"
    assert summary_with_status("已完成", "done") == "已完成"
    assert summary_with_status("95/95 个 (100%)", "done") == "95/95 个 (100%)，已完成"
    assert summary_with_status("未报", "overdue") == "未报，逾期未完成"


@pytest.mark.parametrize(
    ("task", "key", "reading", "as_of", "text"),
    [
        (16, "老旧小区", Reading(value=Decimal(40)), JUNE, "40/95 个 (42%)，按序时（序时进度50%）"),
        (2, "课后服务学校", None, JUNE, "—/156 所，严重滞后（序时进度50%）"),
        (2, "需求学生覆盖", None, JUNE, "—/100%，待评估（序时进度50%）"),
        (20, "其芳小学", Reading(done=True), JUNE, "已完成（序时进度50%）"),
        (20, "其芳小学", None, date(2024, 1, 1), "未报，按序时（序时进度0%）"),
        (
            6,
            "监测系统",
            Reading(value=Decimal(3)),
            date(2025, 1, 15),
            "3/5 台 (60%)，逾期未完成（截止2024-12-31）",
        ),
        (
            16,
            "老旧小区",
            Reading(value=Decimal(95)),
            date(2024, 12, 31),
            "95/95 个 (100%)，已完成（序时进度100%）",
        ),
    ],
)
def test_metric_state_text(
    task: int, key: str, reading: Reading | None, as_of: date, text: str
) -> None:
    assert metric_state_text(view(task, key, reading, as_of)) == text
