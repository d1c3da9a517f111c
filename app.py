"""Woonzorgatlas — Streamlit entry point: page configuration and navigation only."""

import streamlit as st

from ui.assets import ensure_vendored_assets

st.set_page_config(page_title="Woonzorgatlas", page_icon=":material/home_work:", layout="wide")
ensure_vendored_assets()

pages = [
    st.Page("pages/kaart.py", title="Kaart", icon=":material/map:", default=True,
            url_path="kaart"),
    st.Page("pages/buurtprofiel.py", title="Buurtprofiel", icon=":material/home_work:",
            url_path="buurtprofiel"),
    st.Page("pages/tekorten.py", title="Tekorten", icon=":material/format_list_numbered:",
            url_path="tekorten"),
    st.Page("pages/overzicht.py", title="Kerngebieden", icon=":material/dashboard:",
            url_path="kerngebieden"),
    st.Page("pages/methode.py", title="Data & methode", icon=":material/menu_book:",
            url_path="methode"),
]
st.navigation(pages).run()
