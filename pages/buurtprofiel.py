"""Placeholder, being written."""

import streamlit as st

from ui.common import page_context

ctx = page_context()
st.title("buurtprofiel")
