"""Buurtprofiel: one buurt in numbers — age, ageing to 2040, demand vs supply, distances."""

import altair as alt
import pandas as pd
import streamlit as st

from geo.errors import WoonzorgError
from geo.formats import fmt_decimal, fmt_indicator, fmt_int, fmt_km, fmt_share
from geo.reporting import profile
from ui.charts import count_axis
from ui.common import ALL, page_context

md = profile.md_escape  # data text shown where Streamlit renders Markdown

SELECT_KEY = "buurtprofiel_buurt"
SCALE_KEY = "buurtprofiel_schaal"
GROUP_LABELS = {"pop_65plus": "65+", "pop_75plus": "75+", "pop_85plus": "85+"}
GROUP_COLOURS = ["#9ecae1", "#4292c6", "#08306b"]

ctx = page_context()
result, region, choices = ctx.result, ctx.region, ctx.choices
norms = result.norms
all_codes = list(result.buurt["buurt_code"])


def _pct(value: float) -> str:
    return fmt_share(value, 1)


def _on_select() -> None:
    code = st.session_state[SELECT_KEY]
    st.session_state["buurt"] = code
    st.query_params["buurt"] = code


# Which buurt: ?buurt=… in the URL, else the one chosen on another page, else the first
# buurt of the chosen kerngebied.
requested = st.query_params.get("buurt")
if requested in all_codes:
    code = requested
elif st.session_state.get("buurt") in all_codes:
    code = st.session_state["buurt"]
else:
    code = (ctx.buurten() or all_codes)[0]
if requested and requested not in all_codes:
    st.warning(f"Buurtcode '{md(requested)}' uit de link bestaat niet in {md(region.name)}; "
               "kies hieronder een buurt.")
st.session_state["buurt"] = code
if st.query_params.get("buurt") != code:
    st.query_params["buurt"] = code

kerngebied_filter = None if choices.kerngebied == ALL else choices.kerngebied
labels = profile.buurt_labels(result, kerngebied_filter)
if ctx.gemeente is not None and kerngebied_filter is None:  # one municipality of a region
    in_scope = set(ctx.buurten())
    labels = {c: label for c, label in labels.items() if c in in_scope}
outside_kerngebied = code not in labels
if outside_kerngebied:
    labels = profile.buurt_labels(result)
st.session_state[SELECT_KEY] = code

try:
    row = profile.buurt_row(result, code)
    name, kerngebied = str(row["buurt_name"]), str(row["kerngebied"])
    gemeente = str(row["gemeente_name"])
    year = result.year
    pyramid = profile.age_pyramid(result, code)
    distances = profile.walking_distances(result, "buurt", code)
    compare = profile.comparison(result, code)
    texts = profile.explanations(result, code)
except WoonzorgError as exc:
    st.error(f"Het buurtprofiel kan niet worden gemaakt: {md(exc)} Kies een andere buurt of "
             "controleer de data (zie Data & methode).")
    st.stop()

name_md, kerngebied_md, gem_md, norms_md = md(name), md(kerngebied), md(gemeente), md(norms.name)
st.title(f"Buurtprofiel {name_md}")
wijk = str(row.get("wijk_name", ""))
st.caption(f"{md(code)} · wijk {md(wijk)} · kerngebied {kerngebied_md} · gemeente {gem_md} · "
           f"jaar {year}{' (basisjaar)' if year == region.base_year else ' (prognose)'} · "
           f"normset {norms_md} · prognose {md(result.prognosis.name.replace('_', ' '))}")

head_left, head_right = st.columns([3, 1], vertical_alignment="bottom")
with head_left:
    st.selectbox("Buurt", list(labels), key=SELECT_KEY, format_func=labels.get,
                 on_change=_on_select,
                 help="Buurten in het gekozen kerngebied (zijbalk). Een buurt kiezen kan ook "
                      "door op de kaart te klikken.")
with head_right:
    st.page_link("pages/kaart.py", label="Toon op de kaart", icon=":material/map:",
                 query_params={"buurt": code})
if outside_kerngebied:
    st.caption(f"{name_md} ligt niet in {md(ctx.scope_label())}; de lijst toont alle "
               "buurten.")

# --- big numbers ------------------------------------------------------------------------------
pop, pop65, pop75 = row["pop_total"], row["pop_65plus"], row["pop_75plus"]
shortage = float(row["shortage_step_free"])
sm_norm = norms.walking.get("supermarket")
cols = st.columns(5)
cols[0].metric(f"Inwoners {year}", fmt_int(pop))
cols[1].metric("65-plussers", fmt_int(pop65),
               help=f"{_pct(pop65 / pop if pop else float('nan'))} van de inwoners in {year}.")
cols[2].metric("75-plussers", fmt_int(pop75),
               help=f"{_pct(pop75 / pop if pop else float('nan'))} van de inwoners in {year}.")
cols[3].metric("Nultreden: tekort" if shortage >= 0 else "Nultreden: overschot",
               fmt_int(abs(shortage)),
               help=f"Vraag {fmt_int(row['demand_step_free'])} − aanbod "
                    f"{fmt_int(row['supply_step_free'])} woningen ({norms_md}, {year}).")
if sm_norm is not None:
    cols[4].metric("75+ nabij supermarkt", _pct(row["cov75_share_supermarket"]),
                   help=f"Aandeel 75-plussers van wie de woning binnen {fmt_int(sm_norm)} m "
                        "(loopnorm, rechte lijn) van de dichtstbijzijnde supermarkt ligt.")

# --- age and ageing ---------------------------------------------------------------------------
st.subheader("Leeftijd en vergrijzing")
multi = region.is_multi_gemeente
gemeente_code = str(row["gemeente_code"])
scale_names = {"buurt": f"Buurt {name}", "kerngebied": f"Kerngebied {kerngebied}",
               "gemeente": f"Gemeente {gemeente}"}
scale_in = {"buurt": f"buurt {name}", "kerngebied": f"kerngebied {kerngebied}",
            "gemeente": f"gemeente {gemeente}"}
if multi:
    scale_names["regio"] = f"Regio {region.name}"
    scale_in["regio"] = f"regio {region.name}"
if st.session_state.get(SCALE_KEY) not in (None, *scale_names):
    st.session_state[SCALE_KEY] = "buurt"
scale = st.radio("Schaal van de trend en van vraag en aanbod", list(scale_names),
                 key=SCALE_KEY, horizontal=True, format_func=lambda k: md(scale_names[k]))
scale_key = {"buurt": code, "kerngebied": kerngebied,
             "gemeente": gemeente_code if multi else None, "regio": None}[scale]
scale_codes = {"buurt": [code],
               "kerngebied": list(result.buurt.loc[result.buurt["kerngebied"] == kerngebied,
                                                   "buurt_code"]),
               "gemeente": list(result.buurt.loc[result.buurt["gemeente_code"].astype(str)
                                                 == gemeente_code, "buurt_code"])
               if multi else None,
               "regio": None}[scale]
try:
    trend = profile.ageing_trend(region, scale_codes, prognosis=result.prognosis)
    supply = profile.demand_supply(result, scale, scale_key)
except WoonzorgError as exc:
    st.error(f"De trend of vraag en aanbod kan niet worden berekend: {exc}")
    st.stop()

left, right = st.columns(2)
with left:
    pyr = pyramid.assign(
        inwoners=[fmt_int(v) for v in pyramid["count"]],
        aandeel=[_pct(v) for v in pyramid["share"]],
    )
    chart = (
        alt.Chart(pyr, title=alt.Title(f"Leeftijdsopbouw {name}, {year}",
                                       subtitle="Aantal inwoners per leeftijdsklasse"))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=list(reversed(pyr["label"].tolist())), title="Leeftijd",
                    axis=alt.Axis(labelOverlap=False)),
            x=alt.X("count:Q", title=f"Inwoners ({year})", axis=count_axis()),
            color=alt.Color("group:N", title=None,
                            scale=alt.Scale(domain=["jonger dan 65", "65+"],
                                            range=["#9ecae1", "#d6604d"]),
                            legend=alt.Legend(orient="right")),
            tooltip=[alt.Tooltip("label:N", title="Leeftijd"),
                     alt.Tooltip("inwoners:N", title="Inwoners"),
                     alt.Tooltip("aandeel:N", title="Aandeel")],
        )
        .properties(height=alt.Step(30))
    )
    st.altair_chart(chart, width="stretch")
with right:
    long = trend.melt(id_vars="year", value_vars=list(GROUP_LABELS), var_name="col",
                      value_name="count")
    long["groep"] = long["col"].map(GROUP_LABELS)
    long["aantal"] = [fmt_int(v) for v in long["count"]]
    first, last = int(trend["year"].min()), int(trend["year"].max())
    lines = (
        alt.Chart(long, title=alt.Title(
            f"Ouderen in {scale_in[scale]}, {first}–{last}",
            subtitle=f"Prognosevariant {result.prognosis.name.replace('_', ' ')}; "
                     f"lijn = gekozen jaar {year}"))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:Q", title="Jaar", axis=alt.Axis(format="d", tickMinStep=1),
                    scale=alt.Scale(domain=[first, last])),
            y=alt.Y("count:Q", title="Aantal personen", axis=count_axis()),
            color=alt.Color("groep:N", title="Leeftijd",
                            scale=alt.Scale(domain=list(GROUP_LABELS.values()),
                                            range=GROUP_COLOURS),
                            legend=alt.Legend(orient="right")),
            tooltip=[alt.Tooltip("year:Q", title="Jaar", format="d"),
                     alt.Tooltip("groep:N", title="Leeftijd"),
                     alt.Tooltip("aantal:N", title="Aantal")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"year": [year]})).mark_rule(
        strokeDash=[4, 4], color="#888").encode(x="year:Q")
    st.altair_chart((lines + rule).properties(height=330), width="stretch")
st.caption(f"Bevolking per leeftijdsklasse in {year}: basisjaar {region.base_year} uit de "
           "bevolkingslaag, doorgerekend met het cohortmodel (overleving, doorstroming, "
           "migratie, geboorte). Een planningsbenadering, geen officiële prognose.")
pop_row = region.population[region.population["buurt_code"] == code]
if "estimated" in pop_row.columns and pop_row["estimated"].any():
    st.caption("**Geschat:** het CBS geeft per buurt alleen het aandeel 65+; de verdeling over "
               "65–74, 75–84 en 85+ is een schatting (zie Data & methode).")

# --- demand and supply ------------------------------------------------------------------------
st.subheader(f"Vraag en aanbod per product — {md(scale_in[scale])}, {year}")
table = pd.DataFrame({
    "Product": supply["label"],
    "Eenheid": supply["unit"],
    "Vraag": [fmt_int(v) for v in supply["demand"]],
    "Aanbod": [fmt_int(v) for v in supply["supply"]],
    "Tekort (− = overschot)": [fmt_int(v) for v in supply["shortage"]],
})
st.dataframe(table, hide_index=True, width="stretch")
bars = supply.melt(id_vars=["label", "unit"], value_vars=["demand", "supply"],
                   var_name="soort", value_name="aantal")
bars["soort"] = bars["soort"].map({"demand": "Vraag", "supply": "Aanbod"})
bars["tekst"] = [fmt_int(v) for v in bars["aantal"]]
bar_chart = (
    alt.Chart(bars, title=alt.Title(f"Vraag en aanbod, {scale_in[scale]}, {year}",
                                    subtitle=f"{norms.name}; woningen, wooneenheden "
                                             "of plaatsen"))
    .mark_bar()
    .encode(
        y=alt.Y("label:N", title=None, sort=list(supply["label"]),
                axis=alt.Axis(labelLimit=240)),
        yOffset=alt.YOffset("soort:N", sort=["Vraag", "Aanbod"]),
        x=alt.X("aantal:Q", title="Aantal (woningen / eenheden / plaatsen)",
                axis=count_axis()),
        color=alt.Color("soort:N", title=None,
                        scale=alt.Scale(domain=["Vraag", "Aanbod"],
                                        range=["#d6604d", "#4393c3"]),
                        legend=alt.Legend(orient="right")),
        tooltip=[alt.Tooltip("label:N", title="Product"),
                 alt.Tooltip("soort:N", title="Soort"),
                 alt.Tooltip("tekst:N", title="Aantal"),
                 alt.Tooltip("unit:N", title="Eenheid")],
    )
    .properties(height=alt.Step(14))
)
st.altair_chart(bar_chart, width="stretch")
note = ("Geclusterd wonen en verpleegzorg bedienen een heel kerngebied; in één buurt "
        "staat vaak geen aanbod. Vergelijk die op kerngebiedniveau. "
        if scale == "buurt" else "")
st.caption(f"{note}Vraag = norm × inwoners van de leeftijdsgroep / 1.000 "
           f"(normset {norms_md}); aanbod = geschikte woningen + "
           f"{fmt_decimal(norms.adaptable_weight, 1)} × aanpasbare, of de "
           "capaciteit van de voorzieningen in het gebied; tekort = vraag − aanbod.")

# --- distances --------------------------------------------------------------------------------
st.subheader(f"Afstand tot voorzieningen — 75-plussers in {name_md}, {year}")
dcols = st.columns(max(len(distances), 1))
for col, (_, d) in zip(dcols, distances.iterrows(), strict=False):
    col.metric(d["label"], fmt_km(d["mean_distance_m"]),
               help="Gemiddelde afstand in rechte lijn van de woningen van de 75-plussers "
                    "tot de dichtstbijzijnde voorziening (ook buiten de gemeente), gewogen "
                    "naar het aantal 75-plussers per woning.")
    col.caption(f"Loopnorm {fmt_int(d['norm_m'])} m · {_pct(d['share_within'])} binnen de "
                f"norm · {fmt_int(d['beyond_norm'])} verder weg")
st.caption("Gemiddelde van de 75-plussers (bevolking gelijk verdeeld over de woningen van de "
           "buurt), rechte lijn in meters; loopnormen volgens de methode van ANBO/ActiZ "
           f"({norms_md}).")

# --- explanations -----------------------------------------------------------------------------
st.subheader("Wat ontbreekt hier?")
if texts:
    st.markdown("\n".join(f"- {md(t)}" for t in texts))
    st.caption(f"Uit de rangorde op de pagina Tekorten ({year}, {norms_md}): eerst de buurt "
               f"zelf (nultredenwoningen, loopnormen), dan kerngebied {kerngebied_md} "
               "(geclusterd wonen en verpleegzorg).")
else:
    st.success(f"Volgens {norms_md} ontbreekt er in {year} niets in {name_md} of kerngebied "
               f"{kerngebied_md}.")

# --- comparison -------------------------------------------------------------------------------
st.subheader(f"Vergelijking: buurt, kerngebied, gemeente{' en regio' if multi else ''} "
             f"({year})")
comp_table = pd.DataFrame({
    "Kenmerk": compare["label"],
    name: [fmt_indicator(v, k) for v, k in zip(compare["buurt"], compare["kind"],
                                                       strict=True)],
    f"Kerngebied {kerngebied}": [fmt_indicator(v, k) for v, k in
                           zip(compare["kerngebied"], compare["kind"], strict=True)],
    (f"Gemeente {gemeente}" if multi else gemeente): [
        fmt_indicator(v, k) for v, k in zip(compare["gemeente"], compare["kind"], strict=True)],
    **({f"Regio {region.name}": [fmt_indicator(v, k) for v, k in
                                 zip(compare["regio"], compare["kind"], strict=True)]}
       if "regio" in compare.columns else {}),
})
st.dataframe(comp_table, hide_index=True, width="stretch", height=36 * (len(comp_table) + 1) + 4,
             column_config={"Kenmerk": st.column_config.TextColumn(width="large")})
st.caption("Aandelen en gemiddelden van kerngebied, gemeente en regio zijn berekend over hun "
           "totalen "
           "(gewogen naar inwoners of 75-plussers), niet als gemiddelde van buurten. "
           "Bereikbaarheid: capaciteit binnen de zoekstraal per 1.000 inwoners of 75-plussers "
           "(2SFCA/E2SFCA).")

st.divider()
st.caption(f"Bronnen: {md(region.name)}; bevolking: {md(region.source('population'))} "
           f"Woningen: {md(region.source('homes'))} Voorzieningen: "
           f"{md(region.source('facilities'))} "
           "Hoe elk getal wordt berekend staat op de pagina Data & methode.")
st.page_link("pages/methode.py", label="Data & methode", icon=":material/menu_book:")
