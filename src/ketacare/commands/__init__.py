"""Sub-commands of the `ketacare` command, one module each, each with `register(subparsers)`."""


class CommandFailed(Exception):
    """An expected failure: `ketacare` prints the message (no traceback) and exits with `code`."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code
