"""Business logic: plain functions that change the model and flush; the caller commits once."""


class ServiceError(ValueError):
    """A request the domain refuses, with a message fit to show the user."""
