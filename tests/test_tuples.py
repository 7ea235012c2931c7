"""minshi's named tuples behave as typing.NamedTuple's do, where the code relies on it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from minshi.tuples import NamedTuple


class Point(NamedTuple):
    """A point on a plan."""

    day: int
    share: Decimal = Decimal(0)
    notes: tuple[str, ...] = ()

    @property
    def later(self) -> Point:
        return self._replace(day=self.day + 1)


def test_fields_defaults_and_methods() -> None:
    p = Point(3)
    assert p == (3, Decimal(0), ()) and isinstance(p, tuple)
    assert Point._fields == ("day", "share", "notes")
    assert Point._field_defaults == {"share": Decimal(0), "notes": ()}
    assert p.later.day == 4 and p._asdict()["share"] == 0
    assert Point.__doc__ == "A point on a plan."
    assert Point.__annotations__["share"] == "Decimal"  # as written, for the cache to read
    assert Point.__module__ == __name__ and repr(p) == "Point(day=3, share=Decimal('0'), notes=())"
    with pytest.raises(AttributeError):
        p.day = 5  # type: ignore[misc]


def test_a_field_without_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError, match="cannot follow default field"):

        class Wrong(NamedTuple):  # type: ignore[misc]
            a: int = 0
            b: int
