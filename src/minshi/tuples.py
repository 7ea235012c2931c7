"""`NamedTuple` for minshi's value objects: typing.NamedTuple to type checkers, and at run time
the same tuple classes built straight from `collections.namedtuple`.

Why: defining a typing.NamedTuple checks every annotation when the class is made (each string
annotation becomes a compiled ForwardRef); minshi defines about fifty of them before it prints
a line, which cost some 9 ms of every start. Here the annotations are kept as written (text,
under `from __future__ import annotations`), for pydantic and the catalog cache to read.

The class syntax works as with typing.NamedTuple: fields with annotations, defaults after the
fields without, methods, properties and a docstring. Generic named tuples are not supported.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    # what a class body may not set, as typing.NamedTuple refuses it
    _PROHIBITED = frozenset(
        {"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults",
         "_make", "_replace", "_asdict", "_source"}
    )  # fmt: skip
    _KEPT = frozenset({"__module__", "__qualname__", "__annotations__", "__orig_bases__"})

    class _Maker(type):
        def __new__(mcs, typename: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> type:
            annotations = dict(namespace.get("__annotations__", {}))
            defaults = []
            for name in annotations:
                if name in namespace:
                    defaults.append(namespace[name])
                elif defaults:
                    raise TypeError(
                        f"non-default namedtuple field {name} cannot follow default field"
                    )
            made = collections.namedtuple(
                typename, list(annotations), defaults=defaults, module=namespace["__module__"]
            )
            made.__annotations__ = annotations
            made.__qualname__ = namespace.get("__qualname__", typename)
            for key, value in namespace.items():
                if key in _PROHIBITED:
                    raise AttributeError(f"cannot overwrite NamedTuple attribute {key}")
                if key not in _KEPT and key not in annotations:
                    setattr(made, key, value)
                    if hasattr(value, "__set_name__"):
                        value.__set_name__(made, key)
            return made

    _Base = type.__new__(_Maker, "_Base", (), {})

    def NamedTuple(typename: str, fields: Any = None, /) -> Any:  # noqa: N802
        """The functional form is not used in minshi: write a class."""
        raise TypeError("write a class deriving from NamedTuple")

    NamedTuple.__mro_entries__ = lambda bases: (_Base,)
