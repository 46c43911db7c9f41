"""The one error the extractor raises: a message a user can read, and a code the tests and forms can match."""


class ExtractionError(Exception):
    """Input the extractor refuses; ``message`` is already translated, ``code`` is stable."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message
