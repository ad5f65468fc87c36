"""The algorithm register and assessment rows of a :class:`~algoprint.store.Store` (the rules
live in :mod:`algoprint.kader.register` and :mod:`algoprint.kader.assessments`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.engine import Connection

from algoprint.store import _register
from algoprint.store._convert import check_aware

__all__ = ["RegisterRows"]

T = TypeVar("T")


class _Rows(Protocol):
    """What the methods below use of the store they are mixed into."""

    @property
    def where(self: _Rows) -> str: ...

    def _write(self: _Rows, action: Callable[[Connection], T], doing: str) -> T: ...

    def _read(self: _Rows, action: Callable[[Connection], T], doing: str) -> T: ...


class RegisterRows:
    """Register and assessment rows; mixed into :class:`~algoprint.store.Store`."""

    def add_algorithm_row(self: _Rows, row: Mapping[str, Any]) -> None:
        """Insert a register row (validated by :mod:`algoprint.kader.register`).

        Raises:
            InputError: the slug is already registered.
            StoreError: the store cannot be written.
        """
        self._write(
            lambda conn: _register.insert_algorithm(conn, row), f"adding algorithm {row['slug']}"
        )

    def update_algorithm_row(
        self: _Rows, slug: str, changes: Mapping[str, Any], *, allow_archived: bool = False
    ) -> dict[str, Any]:
        """Apply column changes to one algorithm and return the new row.

        Raises:
            NotFound: no such algorithm.
            InputError: it is archived (unless ``allow_archived``); nothing is changed.
            StoreError: the store cannot be written.
        """
        return self._write(
            lambda conn: _register.update_algorithm(
                conn, slug, changes, where=self.where, allow_archived=allow_archived
            ),
            f"changing algorithm {slug}",
        )

    def get_algorithm_row(self: _Rows, slug: str) -> dict[str, Any]:
        """The register row of ``slug``.

        Raises:
            NotFound: no such algorithm (hint: how to add it).
            StoreError: the store cannot be read.
        """
        return self._read(
            lambda conn: _register.algorithm_row(conn, slug, self.where),
            f"reading algorithm {slug}",
        )

    def list_algorithm_rows(
        self: _Rows, *, include_archived: bool = False, organisation: str | None = None
    ) -> list[dict[str, Any]]:
        """Register rows sorted by slug; archived ones only with ``include_archived``."""
        return self._read(
            lambda conn: _register.list_algorithm_rows(
                conn, include_archived=include_archived, organisation=organisation
            ),
            "listing algorithms",
        )

    def assessment_rows(
        self: _Rows, *, algorithm: str | None = None, measure: str | None = None
    ) -> list[dict[str, Any]]:
        """Current assessment rows, sorted by algorithm and measure."""
        return self._read(
            lambda conn: _register.assessment_rows(conn, algorithm=algorithm, measure=measure),
            "listing assessments",
        )

    def write_assessment(
        self: _Rows,
        row: Mapping[str, Any],
        history: Mapping[str, Any] | None,
        files: Sequence[Mapping[str, Any]] = (),
        *,
        expected_state: str | None,
        allow_archived: bool = False,
    ) -> None:
        """Upsert an assessment with its history row and files in one transaction.

        See :func:`algoprint.store._register.write_assessment`.

        Raises:
            NotFound: the algorithm is not registered.
            InputError: the algorithm is archived, or the assessment changed meanwhile.
            StoreError: the store cannot be written.
        """
        self._write(
            lambda conn: _register.write_assessment(
                conn,
                row,
                history,
                files,
                where=self.where,
                expected_state=expected_state,
                allow_archived=allow_archived,
            ),
            f"saving the assessment of {row['measure']} for {row['algorithm']}",
        )

    def assessment_history_rows(
        self: _Rows, algorithm: str, measure: str | None = None
    ) -> list[dict[str, Any]]:
        """History rows of one algorithm (and measure), oldest first."""
        return self._read(
            lambda conn: _register.history_rows(conn, algorithm=algorithm, measure=measure),
            f"reading the assessment history of {algorithm}",
        )

    def assessment_file_rows(
        self: _Rows, algorithm: str, measure: str | None = None
    ) -> list[dict[str, Any]]:
        """Attached files of one algorithm (and measure), without content, oldest first."""
        return self._read(
            lambda conn: _register.file_rows(conn, algorithm=algorithm, measure=measure),
            f"listing attached files of {algorithm}",
        )

    def assessment_file_content(self: _Rows, algorithm: str, measure: str, sha256: str) -> bytes:
        """The bytes of one attached file.

        Raises:
            NotFound: no such file.
        """
        return self._read(
            lambda conn: _register.file_content(
                conn, algorithm=algorithm, measure=measure, sha256=sha256
            ),
            f"reading an attached file of {algorithm}",
        )

    def run_energy_by_phase(
        self: _Rows, algorithm: str, *, since: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Per run ``phase`` of ``algorithm``: ``runs``, ``energy_j`` (sum over the runs with a
        total, ``None`` when none has one) and ``gaps`` (runs without a total). One query."""
        when = None if since is None else check_aware(since, "since")
        return self._read(
            lambda conn: _register.phase_energy(conn, algorithm=algorithm, since=when),
            f"summing the energy of {algorithm}",
        )
