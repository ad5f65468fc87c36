"""Value classes and records for the tracker's path, without :mod:`dataclasses`.

Importing :mod:`dataclasses` (which imports inspect, ast, dis and tokenize) and generating the
methods of one dataclass cost a tracker's start about 8 ms and 0.5-1.5 ms per class
(bench/overhead.py; docs/benchmarks.md). Every class a tracker creates on its way therefore
derives from one of two bases here. Each writes its own typed ``__init__`` and lists its
fields in ``_fields`` (its ``__slots__``):

- :class:`Frozen` (immutable; fields set with :func:`fill`) behaves as a
  ``@dataclass(frozen=True, slots=True)``: equality, hashing, ``repr``, pickling;
- :class:`Record` (mutable: the run record, whose status and lists change while it is
  tracked) behaves as a ``@dataclass(slots=True)``: equality, ``repr``, pickling, unhashable.

Both give :meth:`as_dict` (what :func:`dataclasses.asdict` gives for flat values) and
:meth:`replace` (what :func:`dataclasses.replace` does: a new instance through ``__init__``).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, ClassVar


__all__ = ["Frozen", "Record", "fill"]

_set = object.__setattr__


def fill(obj: Frozen, **values: Any) -> None:
    """Set the fields of a new :class:`Frozen` instance (from its ``__init__``)."""
    for name, value in values.items():
        _set(obj, name, value)


class _Fields:  # noqa: PLW1641 - each base decides hashing (Frozen hashes, Record cannot)
    """What both bases share: fields listed in ``_fields`` (the ``__slots__``), equality,
    ``repr``, pickling, :meth:`as_dict` and :meth:`replace`."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

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

    def replace(self, **changes: Any) -> Any:
        """A new instance with ``changes`` applied, built through ``__init__`` (so its checks
        run), as :func:`dataclasses.replace` does.

        Raises:
            TypeError: a name in ``changes`` is not a field.
        """
        unknown = sorted(set(changes) - set(self._fields))
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(unknown)}")
        return type(self)(**{**self.as_dict(), **changes})


class Frozen(_Fields):
    """Base of an immutable value class: a subclass lists its fields, in order, in ``_fields``
    and sets ``__slots__ = _fields``; its ``__init__`` sets them with :func:`fill`."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of {type(self).__name__}")

    def __hash__(self) -> int:
        return hash(self._values())


class Record(_Fields):
    """Base of a mutable record: a subclass lists its fields, in order, in ``_fields``, sets
    ``__slots__ = _fields`` and assigns every field in its ``__init__``."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]  # mutable: unhashable, as a dataclass
