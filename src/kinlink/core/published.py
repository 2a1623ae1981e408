"""Finding what another app publishes without importing it.

Capability apps never import each other's modules at import time: each asks here for a function
another app publishes, and gets None when that app is not installed (or does not publish it),
so that any capability app can be left out of INSTALLED_APPS.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.apps import apps


def publishes(app: str, module: str) -> bool:
    """Whether the app is installed and has the module."""
    if not apps.is_installed(app):
        return False
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # the app's package itself is missing
        return False


def published(app: str, module: str, name: str) -> Any | None:
    """`module.name` when the app is installed and publishes it, else None."""
    if not publishes(app, module):
        return None
    return getattr(importlib.import_module(module), name, None)
