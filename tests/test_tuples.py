"""minshi's named tuples behave as typing.NamedTuple's do, where the code relies on it."""

from __future__ import annotations

import copy
import pickle
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


class Stake(NamedTuple):
    unit: str
    share: Decimal = Decimal(1)


class Wrapper(NamedTuple):
    inner: tuple[int, ...]


def test_objects_are_made_alike_before_and_after_the_first() -> None:
    """The first object of a class compiles its `__new__`; every way of making one gives the
    same tuple, and a wrong call fails as collections.namedtuple's does."""
    made = [Stake("区教委"), Stake(unit="区教委"), Stake("区教委", Decimal(1))]
    assert made == [("区教委", Decimal(1))] * 3
    assert Stake._make(["区民政局", Decimal(2)]) == Stake("区民政局", share=Decimal(2))
    assert pickle.loads(pickle.dumps(made[0])) == made[0] and copy.deepcopy(made[0]) == made[0]
    with pytest.raises(TypeError):
        Stake()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Stake("a", Decimal(1), "too many")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Stake._make(["only one"])
    with pytest.raises(ValueError, match="unexpected field names"):
        made[0]._replace(units="x")
    wrapped = Wrapper((1, 2, 3))  # one field holding a tuple
    assert wrapped.inner == (1, 2, 3) and repr(wrapped) == "Wrapper(inner=(1, 2, 3))"
