"""Agency registry types (danh mục cơ quan): a succession of the 2025 reorganisation
(sáp nhập, chia tách, đổi tên, giải thể), a loaded list, and the error of a bad registry file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from directives.models import Agency


class AgencyFileError(ValueError):
    """A malformed agency file: says where (line) and what."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        self.message = message
        self.problems: list[tuple[int | None, str]] = [(line, message)]
        super().__init__(f"line {line}: {message}" if line else message)

    @classmethod
    def many(cls, problems: list[tuple[int | None, str]]) -> AgencyFileError:
        """One error holding a message per bad row (str() gives them one per line)."""
        first_line, first = problems[0]
        error = cls(first_line, first)
        error.problems = problems
        error.args = ("\n".join(f"line {n}: {m}" if n else m for n, m in problems),)
        return error

    def __str__(self) -> str:
        return str(self.args[0])


SUCCESSION_KINDS = ("merger", "split", "rename", "dissolution")
KIND_VI = {
    "merger": "hợp nhất/sáp nhập",
    "split": "chia tách",
    "rename": "đổi tên",
    "dissolution": "giải thể",
}


@dataclass(frozen=True)
class Successor:
    """Đơn vị kế thừa: who takes over, and for a split which kind of work (`work`) if said."""

    code: str
    work: str | None = None


@dataclass(frozen=True)
class Succession:
    """Sắp xếp tổ chức bộ máy: agency `from_code` ends on the day before `on`; from `on` its
    work passes to `to` (merger, split, rename or dissolution), by the act `source`."""

    from_code: str
    on: date
    kind: str
    to: tuple[Successor, ...]
    source: str | None = None
    notes: str | None = None

    @property
    def ends_on(self) -> date:
        """The agency's last day (valid_to)."""
        return self.on - timedelta(days=1)


class AgencyList(list[Agency]):
    """Agencies read from a registry file, with the successions the file declares."""

    def __init__(self, agencies: Iterable[Agency], successions: Iterable[Succession] = ()) -> None:
        super().__init__(agencies)
        self.successions: list[Succession] = list(successions)


def valid_on(agency: Agency, on: date) -> bool:
    return (agency.valid_from is None or agency.valid_from <= on) and (
        agency.valid_to is None or on <= agency.valid_to
    )
