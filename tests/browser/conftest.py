"""Browser tests share the Playwright fixtures defined in tests/conftest.py."""

from tests.conftest import sign_in

__all__ = ["sign_in"]
