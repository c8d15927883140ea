"""Exception classes and message helpers.

Every error that reaches a user names the file (or field) and the reason in one line.
"""
from __future__ import annotations


class ChanjiaoError(Exception):
    """Base class of every error the library raises on purpose."""


class IngestError(ChanjiaoError):
    """A file could not be read as a document.

    Args:
        path: the file.
        reason: one short phrase, e.g. "not a zip archive (corrupt .docx)".
    """

    def __init__(self, path: object, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class FrameworkError(ChanjiaoError):
    """A framework (codebook) file is invalid."""


class ConfigError(ChanjiaoError):
    """An option or configuration value is invalid."""


class ModelError(ChanjiaoError):
    """A model file is missing, untrusted, from another version or for another framework."""


def value_invalid_msg(name: str, value: object, valid: object) -> str:
    """Message for an option whose value is not one of the valid ones."""
    return f"invalid value for {name}: {value!r}; valid values are {sorted(valid)!r}"
