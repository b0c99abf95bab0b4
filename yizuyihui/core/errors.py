"""The errors every app's services raise, so pages and the API can answer them the same way.

Each app subclasses these (`CaseError(ServiceError)`, …): a view catching `ServiceForbidden`
answers 403 whichever app refused.
"""


class ServiceError(ValueError):
    """A step that cannot be taken (wrong state, missing reason, bad input)."""


class ServiceForbidden(PermissionError):
    """The actor may not take this step on this object."""


class ServiceConflict(ServiceError):
    """Someone else changed the object first."""


def require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(message)
    return value
