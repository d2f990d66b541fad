"""The error body shared by every JSON API (here, on the lowest app floor, so every app may use it)."""

from ninja import Schema


class RowProblem(Schema):
    """One problem of an imported file, where it is and what it is."""

    line: int | None  # CSV line (header = 1) or Excel row; None for the whole file
    column: str | None  # header text as written in the file
    value: str | None
    code: str
    message: str  # in the requester's language


class Problem(Schema):
    """The error body of every endpoint: one message, or one per problem found.

    Ninja's own errors (an unreadable body) use the single-message form, so a
    declared error response must accept both. An importer that rejects a file
    also lists each row's problem in `problems`.
    """

    detail: str | list[str]
    problems: list[RowProblem] | None = None
