"""symbackprop.verification."""

from .verify import VerifyReport, verify

__all__ = ["VerifyReport", "verify"]
