"""Kinlink: information and case management for children left behind by migrating parents."""

__version__ = "0.1.0"
