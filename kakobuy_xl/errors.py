"""The one error tree of kakobuy-xl.

    KakobuyError                 anything kakobuy expected and can explain
    +-- WorkbookError            the workbook file or its contents
    |   +-- NotAWorkbook         not an .xlsx/.xlsm, truncated, corrupt
    |   +-- WorkbookLocked       open in Excel (its ~$ lock file exists)
    |   +-- WorkbookReadOnly     the file or its folder cannot be written
    |   +-- SheetNotFound        a sheet of the contract is missing
    |   +-- SheetValidationError problems found; carries the problems table
    +-- ConfigError              a bad setting or option
    +-- BackendError             an analysis or translation backend failed
        +-- UnsupportedLanguages a translation provider cannot do this language pair

Faces catch ``KakobuyError`` only: the CLI prints ``Error: <message>`` and exits 1,
the ribbon shows one message box, a UDF returns ``#KB! <message>``. Errors raised
by libraries underneath (zipfile, lxml, openpyxl, OSError) are mapped to these
classes at the I/O boundary, in ``kakobuy_xl.io.errors``.
"""

from __future__ import annotations

from typing import Any


class KakobuyError(Exception):
    """Root of every error kakobuy expects; its message is meant for the user."""


class WorkbookError(KakobuyError):
    """The workbook cannot be read or written as asked."""


class NotAWorkbook(WorkbookError):
    """The file is not an Excel workbook kakobuy can read."""


class WorkbookLocked(WorkbookError):
    """The workbook is open in Excel."""


class WorkbookReadOnly(WorkbookError):
    """The workbook (or its folder) is read-only."""


class SheetNotFound(WorkbookError):
    """A sheet of the workbook contract is missing."""


class SheetValidationError(WorkbookError):
    """Validation found problems that stop the operation.

    ``problems`` is the problems table (a DataFrame with the columns of
    :data:`kakobuy_xl.validation.PROBLEM_COLUMNS`).
    """

    def __init__(self, message: str, problems: Any = None) -> None:
        super().__init__(message)
        self.problems = problems


class ConfigError(KakobuyError):
    """A setting, option or argument is not valid."""


class BackendError(KakobuyError):
    """An analysis or translation backend failed."""


class UnsupportedLanguages(BackendError):
    """A translation provider cannot translate between these two languages (other pairs
    may work: a column can go on without those rows)."""


__all__ = [
    "BackendError",
    "ConfigError",
    "KakobuyError",
    "NotAWorkbook",
    "SheetNotFound",
    "SheetValidationError",
    "UnsupportedLanguages",
    "WorkbookError",
    "WorkbookLocked",
    "WorkbookReadOnly",
]
