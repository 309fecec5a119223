"""Business logic: plain functions that change the model and flush; the caller commits once."""


class ServiceError(ValueError):
    """A request the domain refuses, with a message fit to show the user."""


class FieldError(ServiceError):
    """A refusal that belongs to one form field (`field` is the form field's name)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field
