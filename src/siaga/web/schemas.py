"""API shapes shared by every app."""

from ninja import Schema


class Problem(Schema):
    """The error body of every endpoint: one message, or one per problem found.

    Ninja's own errors (an unreadable body) use the single-message form, so a
    declared error response must accept both.
    """

    detail: str | list[str]
