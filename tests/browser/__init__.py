"""Browser (Playwright) tests; package so helpers import as ``from .conftest import ...``."""
