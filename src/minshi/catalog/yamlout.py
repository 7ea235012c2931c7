"""Notice data written as YAML, exactly: Decimal targets as the numbers they are, one line per
metric, a blank line before each task, the notice's headings as comments.

What `import-notice` and `carry-over` write; `round_trip` gives the data as a reader of the
written file will see it, so that is what gets validated. PyYAML is imported inside the
functions: only a command that writes a notice needs it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any


class _Flow(list[Any]):
    """A list written on one line: lead: [区水利局, 长江水务集团]."""


class _FlowMap(dict[str, Any]):
    """A mapping written on one line: {key: 托位, name: 新增婴幼儿托位, …}."""


def _dumper() -> Any:
    import yaml  # PyYAML only when a draft is written

    class DraftDumper(yaml.SafeDumper):
        pass

    def decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
        if value == value.to_integral_value():
            return dumper.represent_scalar("tag:yaml.org,2002:int", str(int(value)))
        return dumper.represent_scalar("tag:yaml.org,2002:float", f"{value.normalize():f}")

    def flow(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
        return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)

    def flow_map(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.MappingNode:
        node = dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)
        return node

    DraftDumper.add_representer(Decimal, decimal)
    DraftDumper.add_representer(_Flow, flow)
    DraftDumper.add_representer(_FlowMap, flow_map)
    return DraftDumper


def _styled(data: dict[str, Any]) -> dict[str, Any]:
    """The data laid out like a hand-written file: one line per metric, unit list, period."""
    notice = dict(data["notice"])
    notice["period"] = _FlowMap(notice["period"])
    tasks = []
    for task in data["tasks"]:
        task = dict(task)
        for role in ("lead", "cooperating"):
            if role in task:
                task[role] = _Flow(task[role])
        task["metrics"] = [_FlowMap(m) for m in task["metrics"]]
        tasks.append(task)
    units = [_FlowMap(u) for u in data.get("units", [])]
    return {**data, "notice": notice, "tasks": tasks, "units": units}


def notice_yaml(data: dict[str, Any], headings: dict[int, str] | None = None) -> str:
    import yaml  # PyYAML only when a draft is written

    text: str = yaml.dump(
        _styled(data), Dumper=_dumper(), allow_unicode=True, sort_keys=False, width=4096
    )
    # a blank line before each section and each task, and the notice's headings as comments
    text = re.sub(r"\n(tasks|units|review):", r"\n\n\1:", text)

    def task_start(m: re.Match[str]) -> str:
        heading = (headings or {}).get(int(m[1]))
        return f"\n\n# {heading}\n- id: {m[1]}\n" if heading else f"\n\n- id: {m[1]}\n"

    text = re.sub(r"\n- id: (\d+)\n", task_start, text)
    return text.replace("tasks:\n\n", "tasks:\n")


def round_trip(data: dict[str, Any]) -> dict[str, Any]:
    """The data as a reader of the written file will see it, so that is what gets validated."""
    import yaml  # PyYAML only when a draft is written

    loaded: dict[str, Any] = yaml.safe_load(notice_yaml(data))
    return loaded
