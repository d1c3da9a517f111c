"""Streamlit-aware adapters: cached loaders and shared widgets (the only UI helpers)."""
