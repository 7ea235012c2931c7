"""minshi report --format html: one self-contained page, escaped, rendered in headless Chromium."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import pytest

from minshi.render.report_html import FONT_STACK
from tests.conftest import Invoke
from tests.test_report import AS_OF, SUMMARY, UNPLANNED_REMARK, UNPLANNED_SUMMARY
from tests.test_report import journal as journal  # the fixture: a journal of a few updates
from tests.test_report import unplanned as unplanned  # two tasks, one without a plan

pytestmark = pytest.mark.usefixtures("journal")

# colours of report_html.CSS: the bars of done metrics, and the status chips' backgrounds
BAR_BLUE = (0x25, 0x63, 0xEB)
CHIPS = {
    "done": (0xDB, 0xEA, 0xFE),
    "on_track": (0xDC, 0xFC, 0xE7),
    "behind": (0xFE, 0xF3, 0xC7),
    "far_behind": (0xFE, 0xE2, 0xE2),
}


def html_report(cli: Invoke, *args: str) -> str:
    result = cli("report", "--as-of", AS_OF, "--format", "html", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_page_is_self_contained(cli: Invoke) -> None:
    page = html_report(cli)
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert '<meta charset="utf-8">' in page
    # nothing fetched, nothing run
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|\ssrc=|\shref=", page, re.I)
    assert f"font-family: {FONT_STACK};" in page
    assert "@page { size: A4 landscape;" in page


def test_every_value_from_the_data_is_escaped(cli: Invoke) -> None:
    page = html_report(cli)
    assert "<script>" not in page
    assert "已开工40个小区 &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;点击&quot;)" in page


def test_the_page_has_the_summary_counts_table_and_sections(cli: Invoke) -> None:
    page = html_report(cli)
    assert "<h1>万州区2024年重点民生实事工作目标任务及推进情况表</h1>" in page
    assert f'<p class="summary">{SUMMARY}</p>' in page
    assert '<li class="chip s-far_behind">严重滞后<b>12</b></li>' in page
    headers = re.findall(r"<th>([^<]*)</th>", page)
    assert headers == [
        "序号",
        "项目名称",
        "年度工作目标任务",
        "投资计划(万元)",
        "责任单位",
        "完成情况",
        "序时进度",
        "状态",
        "进展情况",
        "投资完成额度(万元)",
        "占比(%)",
        "备注",
    ]
    assert len(re.findall(r'<tr class="task"', page)) == 21
    row = re.search(
        r'<tr class="task" data-status="on_track"><td class="num">16</td>.*?</tr>', page
    )
    assert row is not None
    assert '新开工改造老旧小区：<span class="mval">40/95 个 (42%)·待审核</span>' in row.group()
    assert '<span class="badge s-on_track">按序时</span>' in row.group()
    assert '<span class="date">2024-06-28</span>' in row.group()
    assert (
        '<td class="num">50000</td>' in row.group() and '<td class="num">60.00</td>' in row.group()
    )
    assert '<tr class="subtotal"><td></td><td>市级小计（11件）</td>' in page
    assert '<tr class="total"><td></td><td>合计（21件）</td>' in page
    assert '<h2 id="attention">逾期及严重滞后（' in page and "<h3>区妇联</h3>" in page
    assert '<h2 id="stale">超过35天未报送进展的牵头单位（' in page


def test_share_of_the_totals_counts_only_planned_tasks(
    cli: Invoke, unplanned: tuple[str, ...]
) -> None:
    result = cli(*unplanned, "report", "--as-of", AS_OF, "--format", "html")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    assert f'<p class="summary">{UNPLANNED_SUMMARY}</p>' in page
    for css, label in (("subtotal", "区级小计（2件）"), ("total", "合计（2件）")):
        row = re.search(rf'<tr class="{css}"><td></td><td>{label}</td>.*?</tr>', page)
        assert row is not None
        assert row.group().endswith(
            f'<td class="num">1100</td><td class="num">50.00</td><td>{UNPLANNED_REMARK}</td></tr>'
        )


def test_each_metric_has_a_bar_with_the_expected_marker(cli: Invoke) -> None:
    page = html_report(cli)
    expected = f"{182 / 366 * 100:.1f}%"  # 序时进度 as of 2024-06-30
    # 40 of 95 (on track), the 1000 托位 (done, full), nothing reported (an empty bar)
    assert (
        '<span class="fill s-on_track" style="width:42.1%"></span>'
        f'<span class="mark" style="left:{expected}"></span>'
    ) in page
    assert '<span class="fill s-done" style="width:100.0%"></span>' in page
    assert '<span class="fill s-far_behind" style="width:0.0%"></span>' in page
    assert '<span class="fill s-behind" style="width:30.6%"></span>' in page  # 30 of 98 公里
    bars = page.count('<div class="bar"')
    markers = page.count('<span class="mark"')
    assert bars == markers == 53  # one per metric of the notice


# ---------------------------------------------------------------------------------------------
# Rendered for real


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail(
            "chromium is not installed: bash scripts/test.sh installs it (and fonts-noto-cjk)"
        )
    return path


def headless(tmp_path: Path, *args: str) -> None:
    profile = tmp_path / "chromium-profile"
    result = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of RGB(A) pixels of an 8-bit PNG (no Pillow needed)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0, "unexpected PNG kind"
    channels = 4 if color == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + best) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, channels, rows


def pixels(path: Path) -> Counter[tuple[int, int, int]]:
    width, channels, rows = read_png(path)
    counts: Counter[tuple[int, int, int]] = Counter()
    for row in rows:
        for x in range(0, width * channels, channels):
            counts[(row[x], row[x + 1], row[x + 2])] += 1
    return counts


def test_chromium_renders_the_page_with_colour_and_text(cli: Invoke, tmp_path: Path) -> None:
    page = tmp_path / "推进情况表.html"
    assert cli("report", "--as-of", AS_OF, "-o", str(page)).exit_code == 0
    shot = tmp_path / "r.png"
    headless(tmp_path, f"--screenshot={shot}", "--window-size=1400,1000", page.as_uri())
    colours = pixels(shot)
    total = sum(colours.values())
    white = colours[(255, 255, 255)]
    assert total == 1400 * 1000
    assert white < total * 0.9, "the page is (nearly) blank"
    assert len(colours) > 200, "too few colours for text, bars and badges"
    assert colours[BAR_BLUE] > 100, "no blue bar for the done metrics of tasks 1 and 2"
    for status, rgb in CHIPS.items():
        assert colours[rgb] > 200, f"no {status} colour on the first screen"


def test_printed_to_pdf_it_is_a4_landscape_with_a_cjk_font(cli: Invoke, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    assert cli("report", "--as-of", AS_OF, "-o", str(page)).exit_code == 0
    pdf = tmp_path / "report.pdf"
    headless(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data))
    assert boxes, "no page size in the PDF"
    for w, h in boxes:  # A4 landscape: 842 × 595 points
        assert round(float(w)) == 842 and round(float(h)) == 595
    # the fonts embedded for the Chinese text (a subset of one of the stack's CJK fonts)
    fonts = set(re.findall(rb"/FontName\s*/(?:[A-Z]{6}\+)?([\w-]+)", data))
    assert any(b"CJK" in f or b"YaHei" in f or b"HanSans" in f for f in fonts), fonts
