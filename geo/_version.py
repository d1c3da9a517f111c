"""The version of Woonzorgatlas (one place; pyproject.toml and geo.__version__ follow it)."""

__version__ = "0.1.0"
