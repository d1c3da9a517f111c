"""Overzicht: the gaps of the loaded region per kerngebied, buurt and the ranked list."""

import pandas as pd
import streamlit as st

from geo import vocabulary
from geo.formats import fmt_int, fmt_share
from geo.reporting import levels
from ui.common import page_context

st.title("Kerngebieden")
st.caption("Waar ontbreken geschikte woningen en voorzieningen voor ouderen — nu en straks?")

ctx = page_context()
result = ctx.result
kerngebieden = ctx.kerngebieden()


def _figures(row) -> None:  # noqa: ANN001 - a row of a gap layer
    cols = st.columns(len(vocabulary.PRODUCTS) + 1)
    for col, product in zip(cols, vocabulary.PRODUCTS, strict=False):
        col.metric(vocabulary.PRODUCT_LABELS[product], fmt_int(row[f"shortage_{product}"]),
                   help=f"Vraag {fmt_int(row[f'demand_{product}'])}, "
                        f"aanbod {fmt_int(row[f'supply_{product}'])}")
    share = row["cov75_share_supermarket"]
    cols[-1].metric("75+ ≤ 500 m van supermarkt", fmt_share(share))


if ctx.region.is_multi_gemeente:
    st.subheader(f"Tekorten per gemeente en voor de regio in {result.year}")
    st.caption("Elk niveau telt op: buurten → kerngebieden → gemeenten → regio.")
    regio = levels.regio_row(result)
    st.markdown(f"#### Regio {ctx.region.name}")
    _figures(regio)
    for code, row in levels.gemeente_rows(result).iterrows():
        if ctx.gemeente in (None, code):
            st.markdown(f"#### Gemeente {row['gemeente']}")
            _figures(row)

st.subheader(f"Tekorten per kerngebied in {result.year}"
             + (f" — {ctx.scope_label()}" if ctx.gemeente else ""))
st.caption(f"Normset: {result.norms.name}. Tekort = vraag − aanbod; negatief is een overschot.")
for _, row in result.kerngebied.iterrows():
    if row["kerngebied"] in kerngebieden:
        st.markdown(f"#### {row['kerngebied']}")
        _figures(row)

st.subheader("Waar ontbreekt het meest?")
top = result.ranking[result.ranking["kerngebied"].isin(kerngebieden)].head(15)
st.dataframe(
    top[["rank", "name", "kerngebied", "topic_label", "missing", "explanation"]],
    hide_index=True,
    width="stretch",
    column_config={
        "rank": "Rang", "name": "Gebied", "kerngebied": "Kerngebied",
        "topic_label": "Onderwerp",
        "missing": st.column_config.NumberColumn("Ontbreekt", format="%.0f"),
        "explanation": st.column_config.TextColumn("Toelichting", width="large"),
    },
)

st.subheader("Per buurt")
cols = ["buurt_code", "buurt_name", "kerngebied", "pop_total", "pop_75plus",
        "demand_step_free", "supply_step_free", "shortage_step_free",
        "cov75_share_supermarket", "cov75_share_gp"]
st.dataframe(
    pd.DataFrame(result.buurt[result.buurt["kerngebied"].isin(kerngebieden)][cols]),
    hide_index=True,
    width="stretch",
    column_config={
        "buurt_code": "Buurtcode", "buurt_name": "Buurt", "kerngebied": "Kerngebied",
        "pop_total": st.column_config.NumberColumn("Inwoners", format="%.0f"),
        "pop_75plus": st.column_config.NumberColumn("75+", format="%.0f"),
        "demand_step_free": st.column_config.NumberColumn("Vraag nultreden", format="%.0f"),
        "supply_step_free": st.column_config.NumberColumn("Aanbod nultreden", format="%.0f"),
        "shortage_step_free": st.column_config.NumberColumn("Tekort nultreden", format="%.0f"),
        "cov75_share_supermarket": st.column_config.NumberColumn(
            "75+ ≤ 500 m supermarkt", format="percent"),
        "cov75_share_gp": st.column_config.NumberColumn("75+ ≤ 1 km huisarts",
                                                         format="percent"),
    },
)
with st.expander("Bronnen en aannames"):
    st.markdown(f"**Normen:** {result.norms.source}")
    st.markdown(f"**Prognose:** {result.prognosis.description} {result.prognosis.source}")
    for layer, text in result.assumptions["sources"].items():
        st.markdown(f"**{layer}:** {text}")
