"""Woonzorgatlas — Streamlit entry point: page configuration and navigation only."""

import streamlit as st

st.set_page_config(page_title="Woonzorgatlas", page_icon="🏘️", layout="wide")

pages = [
    st.Page("pages/overzicht.py", title="Overzicht", icon="📊", default=True),
]
st.navigation(pages).run()
