"""One error vocabulary: services raise ApplicationError; one handler maps it for API and pages."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A refusal the user can act on: a stable code, a translated message, an HTTP status."""

    status = 400

    def __init__(
        self, code: str, message: str, *, status: int | None = None, details: Any = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        if status is not None:
            self.status = status
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return {"error": body}


class NotFound(ApplicationError):
    """Missing and forbidden look the same from outside: never leak that an object exists."""

    status = 404


class Forbidden(ApplicationError):
    """The user may see the object but not do this to it."""

    status = 403


class Conflict(ApplicationError):
    status = 409
