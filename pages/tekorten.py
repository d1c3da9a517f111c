"""Tekorten: the ranked list of where suitable homes and services are most missing."""

from urllib.parse import quote

import pandas as pd
import streamlit as st

from geo import vocabulary
from geo.formats import fmt_int
from geo.reporting import assumptions, levels, profile
from geo.reporting.lights import surplus_caveat, surplus_products
from ui.common import ALL, page_context
from ui.regions import region_query

LEVEL_LABELS = {"alle": "Alle", "buurt": "Buurten", "kerngebied": "Kerngebieden"}
# Dutch column names of the table and the CSV download.
COLUMNS = {
    "rank": "Rang", "level": "Niveau", "code": "Code", "name": "Gebied",
    "kerngebied": "Kerngebied", "gemeente": "Gemeente", "topic_label": "Onderwerp",
    "missing": "Ontbreekt",
    "unit": "Eenheid", "demand": "Vraag / 75+ totaal", "supply": "Aanbod / 75+ binnen norm",
    "explanation": "Toelichting",
}

md = profile.md_escape  # data text shown where Streamlit renders Markdown

ctx = page_context()
result, region, choices = ctx.result, ctx.region, ctx.choices
norms = result.norms
multi = region.is_multi_gemeente
ranking = result.ranking
if multi:  # the municipality of every row (a kerngebied lies in one municipality)
    names = levels.gemeente_names(result)
    owner = levels.kerngebied_gemeente(result)
    ranking = ranking.assign(gemeente=[names.get(owner.get(str(k), ""), "")
                                       for k in ranking["kerngebied"]])
    if ctx.gemeente is not None:
        ranking = ranking[ranking["kerngebied"].isin(ctx.kerngebieden())]

st.title("Tekorten")
kerngebied_text = md(ctx.scope_label() if choices.kerngebied != ALL or multi
                     else "alle kerngebieden")
st.caption(f"Waar ontbreken geschikte woningen, zorgplaatsen en voorzieningen op loopafstand "
           f"het meest? {md(region.name)} · {result.year} · normset {md(norms.name)} · "
           f"prognose {md(result.prognosis.name.replace('_', ' '))} · {kerngebied_text} "
           "(kies in de zijbalk).")

# --- filters ----------------------------------------------------------------------------------
topics = list(dict.fromkeys(ranking["topic_label"]))
f1, f2, f3 = st.columns([5, 4, 3])
chosen_topics = f1.multiselect("Onderwerp", topics, key="tekorten_topics",
                               placeholder="Alle onderwerpen",
                               help="Leeg = alle onderwerpen.")
level = f2.radio("Niveau", list(LEVEL_LABELS), key="tekorten_level", horizontal=True,
                 format_func=LEVEL_LABELS.get,
                 help="Buurt: nultredenwoningen en loopafstanden. Kerngebied: geclusterd "
                      "wonen en verpleegzorg, die een heel kerngebied bedienen.")
search = f3.text_input("Zoek op naam of code", key="tekorten_search",
                       placeholder="bijv. Smilde")

rows = profile.filter_ranking(
    ranking,
    kerngebied=None if choices.kerngebied == ALL else choices.kerngebied,
    topic_labels=chosen_topics,
    level=None if level == "alle" else level,
    search=search,
)
totals = profile.ranking_totals(rows)

# --- big numbers ------------------------------------------------------------------------------
m = st.columns(5)
m[0].metric("Rijen", fmt_int(totals["rows"]),
            help=f"{fmt_int(totals['areas'])} verschillende buurten of kerngebieden.")
m[1].metric("Tekort nultreden", fmt_int(totals["step_free"]),
            help="Nultredenwoningen: som van de tekorten van de getoonde buurten; "
                 "overschotten in andere buurten zijn niet verrekend.")
m[2].metric("Tekort geclusterd", fmt_int(totals["clustered"]),
            help="Geclusterd wonen: som over de getoonde kerngebieden (wooneenheden).")
m[3].metric("Tekort verpleegzorg", fmt_int(totals["nursing"]),
            help="Verpleegzorgplaatsen somatisch en PG samen, som over de getoonde "
                 "kerngebieden (plaatsen).")
sm = norms.walking.get("supermarket")
m[4].metric(f"75+ > {fmt_int(sm)} m supermarkt" if sm else "75+ ver van supermarkt",
            fmt_int(totals.get("beyond_supermarket", 0.0)),
            help="Aantal 75-plussers in de getoonde buurten van wie de dichtstbijzijnde "
                 "supermarkt verder weg ligt dan de loopnorm.")
st.caption(f"Getallen over de rijen hieronder (na filteren), {result.year}. Per buurt: "
           "nultredenwoningen en 75-plussers buiten de loopnormen; per kerngebied: geclusterd "
           "wonen en verpleegzorg.")

# a surplus is not in the ranked list (shortages only): say where it is and what it means
if choices.kerngebied != ALL:
    area_row = result.kerngebied.set_index("kerngebied").loc[choices.kerngebied]
elif ctx.gemeente is not None:
    area_row = levels.gemeente_rows(result).loc[ctx.gemeente]
else:
    area_row = levels.regio_row(result)
surplus = surplus_products(area_row, vocabulary.PRODUCTS)
if surplus:
    area = ctx.scope_label().replace("hele ", "de ").replace("kerngebied ", "")
    listed = ", ".join(f"{vocabulary.PRODUCT_LABELS[p].lower()} "
                       f"{fmt_int(-float(area_row[f'shortage_{p}']))}" for p in surplus)
    st.info(md(f"Overschot* in {area}: {listed} (de lijst hieronder toont alleen tekorten). "
               f"{surplus_caveat(surplus)}"), icon=":material/info:")

# --- table ------------------------------------------------------------------------------------
if rows.empty:
    st.info("Geen rijen bij deze filters. Maak de zoekterm korter, kies meer onderwerpen of "
            "kies 'Hele gemeente' of 'Hele regio' in de zijbalk.")
else:
    columns = [c for c in COLUMNS if c in rows.columns]
    view = rows.loc[:, columns].copy()
    # The map is the app's default page, so its address is the app root ("/kaart" would
    # show "Page not found"); "./" keeps the links right behind a reverse-proxy prefix.
    # The link opens a new tab (a new session): it names this session's region.
    view["kaart"] = [
        f"./?{region_query()}&buurt={quote(str(c))}" if lvl == "buurt"
        else f"./?{region_query()}&kerngebied={quote(str(c))}"
        for lvl, c in zip(rows["level"], rows["code"], strict=True)
    ]
    st.dataframe(
        view,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(view), 600),
        column_order=["rank", "kaart", "name", *(["gemeente"] if multi else []), "kerngebied",
                      "topic_label", "missing", "unit",
                      "explanation", "demand", "supply", "level", "code"],
        column_config={
            "rank": st.column_config.NumberColumn(
                COLUMNS["rank"], format="%d", help="Rang in de volledige lijst van de gemeente."),
            "level": COLUMNS["level"],
            "code": COLUMNS["code"],
            "name": COLUMNS["name"],
            "kerngebied": COLUMNS["kerngebied"],
            "gemeente": COLUMNS["gemeente"],
            "topic_label": COLUMNS["topic_label"],
            "missing": st.column_config.NumberColumn(
                COLUMNS["missing"], format="%.0f",
                help="Aantal woningen, eenheden of plaatsen dat ontbreekt, of aantal "
                     "75-plussers dat verder dan de loopnorm woont."),
            "unit": COLUMNS["unit"],
            "demand": st.column_config.NumberColumn(
                COLUMNS["demand"], format="%.0f",
                help="Producten: de vraag volgens de normset. Loopafstand: alle 75-plussers."),
            "supply": st.column_config.NumberColumn(
                COLUMNS["supply"], format="%.0f",
                help="Producten: het aanbod. Loopafstand: 75-plussers binnen de loopnorm."),
            "explanation": st.column_config.TextColumn(COLUMNS["explanation"], width="large"),
            "kaart": st.column_config.LinkColumn(
                "Kaart", display_text="Toon op kaart",
                help="Opent de kaart met deze buurt of dit kerngebied (nieuw tabblad)."),
        },
    )

    export = rows.loc[:, columns].rename(columns=COLUMNS)
    slug = ("-".join(ctx.scope_label().lower().split()[1:]) if choices.kerngebied == ALL
            and ctx.gemeente is not None else "regio" if choices.kerngebied == ALL and multi
            else "gemeente" if choices.kerngebied == ALL
            else choices.kerngebied.lower().replace(" ", "-"))
    st.download_button(
        "Download als CSV (Excel)",
        data=profile.csv_bytes(export),
        file_name=f"tekorten_{slug}_{result.year}_{norms.key}.csv",
        mime="text/csv",
        icon=":material/download:",
        help="UTF-8 met BOM, puntkomma als scheidingsteken en komma als decimaalteken: "
             "Excel met Nederlandse instellingen opent het bestand direct goed.",
    )

st.caption("Rangorde: per rij het aantal woningen, plaatsen of mensen dat ontbreekt; een groot "
           "tekort gaat vóór een klein, welk product het ook is. Alleen rijen met een tekort "
           "(≥ 0,5). Klik op een kolomkop om te sorteren. Zie Data & methode voor de "
           "berekening.")
with st.expander("Bronnen en aannames"):
    st.markdown(f"**Normen:** {md(norms.name)} ({norms.year}). {md(norms.source)}")
    st.markdown(f"**Prognose:** {md(result.prognosis.description)}")
    st.markdown(f"**Data:** {md(region.name)}, basisjaar {region.base_year}.")
    st.dataframe(pd.DataFrame({"Laag": assumptions.data_layers(region)["label"],
                               "Bron": assumptions.data_layers(region)["source"]}),
                 hide_index=True, width="stretch")
