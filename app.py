"""Woonzorgatlas — Streamlit entry point (navigation lives in ui/navigation.py)."""

from ui.navigation import run_app

run_app()
