"""`NamedTuple` for minshi's value objects: typing.NamedTuple to type checkers, and at run time
tuple classes made as `collections.namedtuple` makes them, but for one thing.

Why: defining a typing.NamedTuple checks every annotation when the class is made (each string
annotation becomes a compiled ForwardRef), and `collections.namedtuple` compiles each class's
`__new__` from source. minshi defines some sixty-five of them before it prints a line, and a
command makes objects of a few: here a class's `__new__` is compiled when its first object is
made (`_first_new`). The annotations are kept as written (text, under `from __future__ import
annotations`), for pydantic and the catalog cache to read.

The class syntax works as with typing.NamedTuple: fields with annotations, defaults after the
fields without, methods, properties and a docstring. Generic named tuples are not supported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    from _collections import _tuplegetter
    from keyword import iskeyword

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
            made = _named_tuple(typename, tuple(annotations), tuple(defaults))
            made.__module__ = namespace["__module__"]
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

    def _named_tuple(typename: str, fields: tuple[str, ...], defaults: tuple[Any, ...]) -> type:
        """The class collections.namedtuple(typename, fields, defaults=defaults) makes, with
        the same methods, but a __new__ compiled only when the first object is made."""
        for name in (typename, *fields):
            if not name.isidentifier() or iskeyword(name):
                raise ValueError(f"{name!r} cannot name a named tuple or one of its fields")
        if len(set(fields)) != len(fields) or any(name.startswith("_") for name in fields):
            raise ValueError(f"the fields of {typename} must differ and not start with '_'")
        size = len(fields)

        def _first_new(cls: type, *args: Any, **kwargs: Any) -> Any:
            new = _compiled_new(typename, fields, defaults)
            made.__new__ = staticmethod(new)
            return new(cls, *args, **kwargs)

        def _make(cls: type, iterable: Any) -> Any:
            result = tuple.__new__(cls, iterable)
            if len(result) != size:
                raise TypeError(f"Expected {size} arguments, got {len(result)}")
            return result

        def _replace(self: Any, /, **kwds: Any) -> Any:
            result = self._make(map(kwds.pop, fields, self))
            if kwds:
                raise ValueError(f"Got unexpected field names: {list(kwds)!r}")
            return result

        shown = "(" + ", ".join(f"{name}=%r" for name in fields) + ")"

        def __repr__(self: Any) -> str:  # noqa: N807
            return self.__class__.__name__ + shown % tuple(self)

        def _asdict(self: Any) -> dict[str, Any]:
            return dict(zip(fields, self, strict=True))

        def __getnewargs__(self: Any) -> tuple[Any, ...]:  # noqa: N807
            return tuple(self)

        namespace: dict[str, Any] = {
            "__doc__": f"{typename}({', '.join(fields)})",
            "__slots__": (),
            "_fields": fields,
            "_field_defaults": dict(zip(fields[size - len(defaults) :], defaults, strict=True)),
            "__new__": staticmethod(_first_new),
            "_make": classmethod(_make),
            "_replace": _replace,
            "__repr__": __repr__,
            "_asdict": _asdict,
            "__getnewargs__": __getnewargs__,
            "__match_args__": fields,
        }
        for index, name in enumerate(fields):
            namespace[name] = _tuplegetter(index, f"Alias for field number {index}")
        made = type(typename, (tuple,), namespace)
        return made

    def _compiled_new(typename: str, fields: tuple[str, ...], defaults: tuple[Any, ...]) -> Any:
        """__new__(cls, a, b, ...) as collections.namedtuple compiles it: Python itself binds
        the keywords and defaults."""
        names = ", ".join(fields) + ("," if len(fields) == 1 else "")  # (a,) is a tuple
        scope = {"_tuple_new": tuple.__new__, "__builtins__": {}}
        new = eval(f"lambda _cls, {names}: _tuple_new(_cls, ({names}))", scope)  # noqa: S307
        new.__name__ = "__new__"
        new.__qualname__ = f"{typename}.__new__"
        new.__doc__ = f"Create new instance of {typename}({names})"
        new.__defaults__ = defaults or None
        return new

    def NamedTuple(typename: str, fields: Any = None, /) -> Any:  # noqa: N802
        """The functional form is not used in minshi: write a class."""
        raise TypeError("write a class deriving from NamedTuple")

    NamedTuple.__mro_entries__ = lambda bases: (_Base,)
