"""Small immutable value classes for the tracker's path, without :mod:`dataclasses`.

Importing :mod:`dataclasses` (which imports inspect, ast, dis and tokenize) and generating the
methods of one frozen dataclass cost a tracker's start about 8 ms and 0.5-1.5 ms per class
(bench/overhead.py; docs/benchmarks.md). The value classes that only the meters and the
sampler use derive from :class:`Frozen` instead: each writes its own typed ``__init__`` (with
:func:`fill`) and lists its fields in ``_fields`` (its ``__slots__``); equality, hashing,
``repr``, pickling and immutability come from here and behave as those of a
``@dataclass(frozen=True, slots=True)``.
Records that other code turns into documents with :func:`dataclasses.asdict` (the run record,
settings) stay dataclasses.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


__all__ = ["Frozen", "fill"]

_set = object.__setattr__


def fill(obj: Frozen, **values: Any) -> None:
    """Set the fields of a new :class:`Frozen` instance (from its ``__init__``)."""
    for name, value in values.items():
        _set(obj, name, value)


class Frozen:
    """Base of an immutable value class: a subclass lists its fields, in order, in ``_fields``
    and sets ``__slots__ = _fields``."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of {type(self).__name__}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields)
        return f"{type(self).__qualname__}({fields})"

    def __getstate__(self) -> tuple[Any, ...]:
        return self._values()

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self._fields, state, strict=True):
            _set(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        """The fields as a dict (shallow), as :func:`dataclasses.asdict` gives for flat
        values."""
        return {name: getattr(self, name) for name in self._fields}
