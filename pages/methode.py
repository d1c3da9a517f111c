"""Data & methode: what data is loaded, the norms and prognosis in force, how figures are made."""

import math

import pandas as pd
import streamlit as st

from geo import vocabulary
from geo.formats import fmt_decimal, fmt_int, fmt_share
from geo.reporting import assumptions, profile
from geo.reporting.check_report import NO_REFERENCE, display_table
from geo.reporting.provenance import DataProvenance
from ui.cache import check_table
from ui.common import distance_caption, page_context

md = profile.md_escape  # data text shown where Streamlit renders Markdown

ctx = page_context()
result, region = ctx.result, ctx.region
norms, prog = result.norms, result.prognosis


st.title("Data & methode")
st.caption("Welke gegevens en aannames achter elk getal in de Woonzorgatlas zitten, en hoe de "
           "getallen worden berekend. Alle keuzes in de zijbalk (jaar, normset, prognose) "
           "werken hier door.")

# --- data -------------------------------------------------------------------------------------
st.header("Geladen data")
meta = region.metadata
data = DataProvenance.from_region(region)
if data.known:  # the package says per layer what is real, estimated or generated
    (st.warning if data.warn else st.success)(
        f"**{md(data.title())}.** {md(data.summary())}. De tabel hieronder zegt per laag wat "
        "echt is (zoals de bron het publiceert), wat geschat is (met een beschreven methode) "
        "en wat gegenereerd is (demo).", icon="⚠️" if data.warn else None)
elif region.is_demo:
    st.error(
        "**Demodata — niet gebruiken voor echte besluiten.** Dorpsnamen, ligging en "
        "inwonertallen zijn openbare feiten; buurtgrenzen, leeftijdsopbouw, woningen en "
        "voorzieningen zijn gegenereerd. Laad de eigen data van de gemeente voordat u met "
        "de uitkomsten plant.",
        icon="⚠️",
    )
else:
    st.success("Eigen data geladen (geen demodata).")
st.subheader(md(region.name))
c = st.columns([2, 1, 1, 1])  # the kind of data is the longest value
c[0].metric("Soort data", data.kind())
c[1].metric("Basisjaar bevolking", str(region.base_year))
c[2].metric("Peildatum", meta.get("reference_date", "onbekend"))
c[3].metric("Gemeentecode", meta.get("gemeente_code", "onbekend"))
st.markdown(f"**Licentie:** {md(meta.get('licence', 'niet vermeld'))}")
if meta.get("notice"):
    st.markdown(f"**Toelichting bij de data:** {md(meta['notice'])}")
layers = assumptions.data_layers(region)
if data.known:
    st.markdown("**Lagen: echt, geschat of gegenereerd**")
    table = pd.DataFrame({"Laag": [f"{label} (laag {layer})" for layer, label in
                                   zip(layers["layer"], layers["label"], strict=True)],
                          "Status": layers["status"],
                          "Rijen": [fmt_int(n) for n in layers["rows"]],
                          "Bron": layers["source"], "Toelichting": layers["note"]})
    extra = [r for r in data.rows() if r.layer not in set(layers["layer"])]
    if extra:  # e.g. the published figures the model is checked against
        table = pd.concat([table, pd.DataFrame({
            "Laag": [r.label for r in extra], "Status": [r.status_label for r in extra],
            "Rijen": ["–"] * len(extra), "Bron": [r.source for r in extra],
            "Toelichting": [r.note for r in extra]})], ignore_index=True)
    st.table(table.set_index("Laag"))  # a static table: long sources and notes wrap
    st.caption("Echt = zoals de bron het publiceert; geschat = berekend met een beschreven "
               "methode; gegenereerd (demo) = door de app gemaakt, geen echte gegevens; "
               "gemengd = deels echt, deels geschat of gegenereerd (zie de toelichting).")
else:
    st.markdown("**Lagen en bronnen:**")
    st.markdown("\n".join(
        f"- **{label}** (laag `{layer}`, {fmt_int(rows)} rijen): {md(source)}"
        for layer, label, rows, source in layers[["layer", "label", "rows", "source"]]
        .itertuples(index=False)
    ))
if meta.get("import_warnings"):
    with st.expander("Meldingen bij het importeren (wat ontbrak, hersteld of geschat is)"):
        st.markdown("\n".join(f"- {md(w)}" for w in meta["import_warnings"].splitlines()
                               if w.strip()))
st.caption("Alle ruimtelijke lagen in EPSG:28992 (RD New). Bij het laden wordt elk regiopakket "
           "gecontroleerd (lagen, kolommen, coördinatenstelsel, geldige geometrie, unieke "
           "codes, geen negatieve aantallen).")

# --- check against published figures ----------------------------------------------------------
st.header("Controle: het model naast de CBS-cijfers")
if region.reference is None or region.reference.empty:
    st.info(NO_REFERENCE, icon=":material/fact_check:")
else:
    check = check_table(region, ctx.region_key, ctx.choices.norms_key, ctx.choices.distance,
                        ctx.choices.profile)
    st.caption(f"Het model in het basisjaar ({region.base_year}) naast de gepubliceerde cijfers "
               f"({md(region.source('reference'))}). Oordeel: gelijk, binnen marge, wijkt af "
               "of geen gegevens. "
               + ("Afstanden in het model gaan over het straatnetwerk met profiel auto "
                  "(zoals het CBS: over de weg)." if ctx.choices.distance == "network" else
                  "Afstanden in het model zijn rechte lijnen, die van het CBS gaan over de "
                  "weg."))
    st.subheader("Doelen")
    st.dataframe(display_table(check, "doel"), hide_index=True, width="stretch")
    st.subheader("Gemeente")
    st.dataframe(display_table(check, "gemeente"), hide_index=True, width="stretch")
    for part, title in (("wijk", "Per wijk"), ("buurt", "Per buurt")):
        rows = display_table(check, part)
        if len(rows):
            with st.expander(f"{title} ({rows['Code'].nunique()})"):
                st.dataframe(rows, hide_index=True, width="stretch")
    methods = check.loc[check["part"] != "doel", ["label", "method"]].drop_duplicates("label")
    st.markdown("**Methode van het model:**\n" + "\n".join(
        f"- {md(label)}: {md(method)}" for label, method in methods.itertuples(index=False)))

# --- norms ------------------------------------------------------------------------------------
st.header("Normen in gebruik")
st.markdown(f"**{md(norms.name)}** (sleutel {md(norms.key)}, {norms.year})")
st.markdown(f"**Bron:** {md(norms.source)}")

st.subheader("Vraagnormen per 1.000 inwoners van een leeftijdsgroep")
rates = assumptions.demand_rates_table(norms)
group_cols = [col for col in rates.columns if col not in ("product", "label", "unit")]
rates_view = pd.DataFrame({"Product": rates["label"], "Eenheid": rates["unit"]})
for col in group_cols:
    rates_view[col] = [fmt_decimal(v, 1 if v % 1 else 0) if math.isfinite(v) else "–"
                       for v in rates[col]]
st.dataframe(rates_view, hide_index=True, width="stretch")
st.caption("Vraag van een product = Σ over de leeftijdsgroepen van norm × inwoners van die "
           "groep / 1.000. '65+' telt alle 65-plussers, '75–84' alleen die klasse; een "
           "product met normen voor 65+ én 75+ telt 75-plussers dus twee keer mee (zo is de "
           "norm bedoeld).")

left, right = st.columns(2)
with left:
    st.subheader("Loopnormen")
    walk = assumptions.walking_table(norms)
    st.dataframe(pd.DataFrame({"Voorziening": walk["label"],
                               "Loopnorm": [f"{fmt_int(v)} m" for v in walk["norm_m"]]}),
                 hide_index=True, width="stretch")
    st.caption("Methode ANBO/ActiZ: supermarkt en bushalte 500 m, huisarts 1.000 m; apotheek "
               "1.000 m naast de huisarts. " + distance_caption(ctx.result))
with right:
    st.subheader("Geschiktheid van woningen")
    st.dataframe(pd.DataFrame({
        "Instelling": ["Weging aanpasbare woning (adaptable_weight)",
                       "Minimale oppervlakte begane grond (adaptable_min_area)",
                       "Aandeel begane grond zonder opgave (ground_floor_share)"],
        "Waarde": [fmt_decimal(norms.adaptable_weight, 2),
                   f"{fmt_int(norms.adaptable_min_area)} m²",
                   fmt_decimal(norms.ground_floor_share, 2)],
    }), hide_index=True, width="stretch")
    st.caption("Nultredenaanbod = geschikte woningen + weging × aanpasbare woningen "
               "(Geroscoop: ½).")

st.subheader("Bereikbaarheid (2SFCA/E2SFCA)")
acc = assumptions.access_table(norms)
st.dataframe(pd.DataFrame({
    "Maat (capaciteit per groep)": acc["label"],
    "Bevolkingsgroep": acc["population"],
    "Zoekstraal": [f"{fmt_decimal(v / 1000, 1)} km" for v in acc["radius_m"]],
    "Methode": acc["method"],
    "Afstandsverval (gewicht per afstand)": [s or "geen: alles binnen de straal telt volledig"
                                             for s in acc["steps"]],
}), hide_index=True, width="stretch")
st.caption("Capaciteit: patiëntplaatsen van huisartspraktijken, plaatsen van verpleeghuizen, "
           "wooneenheden geclusterd wonen (kolom capacity van de voorzieningen).")

# --- prognosis --------------------------------------------------------------------------------
st.header("Prognose in gebruik")
st.markdown(f"**Variant {md(prog.name.replace('_', ' '))}.** {md(prog.description)}")
st.markdown(f"**Bron en aannames:** {md(prog.source)}")
st.markdown(f"**Geboortecijfer:** {fmt_decimal(prog.birth_rate_per_1000, 1)} per 1.000 "
            "inwoners per jaar (instroom in 0–14).")
ptab = assumptions.prognosis_table(prog)
st.dataframe(pd.DataFrame({
    "Leeftijdsklasse": ptab["label"],
    "Breedte (jaar)": [fmt_int(w) if math.isfinite(w) else "open" for w in ptab["width"]],
    "Overlevingskans per jaar": [fmt_decimal(v, 4) for v in ptab["survival"]],
    "Netto migratie per jaar": [fmt_share(v, 1, signed=True) for v in ptab["migration_rate"]],
}), hide_index=True, width="stretch")

# --- method -----------------------------------------------------------------------------------
st.header("Hoe elk getal wordt berekend")
distance_text = ctx.result.assumptions.get("distance_text", "")
walking_text = ", ".join(f"{vocabulary.FACILITY_LABELS[f].lower()} {fmt_int(m)} m"
                         for f, m in norms.walking.items())
st.markdown(f"""
{distance_text} Zonder straatnetwerk zijn alle afstanden rechte lijnen in RD New (meters);
met een netwerk (zijbalk: *Afstand*) gaan loopnormen, afstanden en bereikbaarheid over de
straten voor het gekozen vervoersprofiel, en tellen woningen die over het netwerk geen
voorziening bereiken als niet binnen de loopnorm (en niet mee in gemiddelde afstanden).
Elke standaardwaarde hieronder is aan te passen met een normbestand of een andere normset.

**1. Bevolking in een jaar.** De bevolking per buurt in het basisjaar ({region.base_year})
wordt per jaar doorgerekend met een cohortmodel op leeftijdsklassen: eerst sterfte (een
overlevingskans per klasse, afgeronde benadering van de CBS-overlevingstafels 2023), dan
schuift 1/breedte van de overlevenden door naar de volgende klasse (leeftijden gelijk
verdeeld binnen een klasse), dan netto migratie als fractie per klasse, dan geboorten
({fmt_decimal(prog.birth_rate_per_1000, 1)} per 1.000 inwoners) in 0–14. Varianten: *basis*
(geen migratie), *vergrijzing plus* (jongeren trekken weg, jonge ouderen komen) en *groei*
(gezinnen komen). Het is een doorzichtige planningsbenadering, geen officiële prognose; door
de gelijke verdeling binnen klassen valt het aandeel 65-plussers lager uit dan in de
provinciale prognose (33 % in 2040).

**2. Mensen op adressen.** De bevolking van een buurt wordt gelijk verdeeld over de woningen
(adrespunten) van die buurt, zoals het CBS doet voor de nabijheidsstatistiek. Een buurt
zonder woningen houdt haar inwoners op één punt binnen de buurt.

**3. Vraag.** Per product is de vraag = Σ over leeftijdsgroepen van norm × inwoners / 1.000
(zie de tabel vraagnormen). Producten: nultredenwoningen, geclusterd wonen en
verpleegzorgplaatsen, somatisch en PG (dementie) apart.

**4. Aanbod en geschiktheid.** Woningen vallen in drie klassen (naar de Geroscoop-regel):
*geschikt* = nultreden; *aanpasbaar* = niet nultreden, eengezinswoning met een begane grond
groter dan {fmt_int(norms.adaptable_min_area)} m² (zonder opgave van de begane grond:
{fmt_decimal(norms.ground_floor_share, 2)} × woonoppervlak); *ongeschikt* = de rest.
Nultredenaanbod = geschikt + {fmt_decimal(norms.adaptable_weight, 2)} × aanpasbaar. Het aanbod telt
elke geschikte woning, wie er ook woont: een overschot betekent "er zijn genoeg van zulke
woningen", niet "ze zijn beschikbaar voor ouderen". Geclusterd wonen en zorgplaatsen zijn
de capaciteit van de voorzieningen van dat type in het gebied.

**5. Tekort** = vraag − aanbod; negatief is een overschot. Per kerngebied en gemeente worden
vraag en aanbod eerst opgeteld, dus tekorten en overschotten van buurten vallen daar tegen
elkaar weg.

**6. Dekking (loopnormen).** Voor elke woning de afstand tot de dichtstbijzijnde
voorziening van elk type (voorzieningen net buiten de gemeente tellen mee). Gerapporteerd:
aantal en aandeel 75-plussers binnen de loopnorm ({walking_text}) en hun gemiddelde afstand,
gewogen naar het aantal 75-plussers.

**7. Bereikbaarheid.** Two-step floating catchment (2SFCA, Luo & Wang 2003) en de versie met
afstandsverval (E2SFCA, Luo & Qi 2009): stap 1 deelt de capaciteit van elke voorziening door
de (gewogen) bevolking binnen de zoekstraal; stap 2 telt voor elke woonplek de verhoudingen
van alle voorzieningen binnen bereik op. Mensen worden daarvoor gegroepeerd per rastercel en
buurt; de score van een gebied is het bevolkingsgewogen gemiddelde, per 1.000 inwoners of
75-plussers (zie de tabel bereikbaarheid).

**8. Rangorde (pagina Tekorten).** Per buurt het tekort aan nultredenwoningen en per
loopnorm het aantal 75-plussers dat verder weg woont; per kerngebied de tekorten aan
geclusterd wonen en verpleegzorg (die bedienen een heel kerngebied). Rijen staan op volgorde
van het aantal woningen, plaatsen of mensen dat ontbreekt; alleen rijen met een tekort van
minstens 0,5. Elke rij krijgt een toelichting in één zin uit haar eigen getallen.

Uitkomsten worden ook per rastercel van {fmt_int(vocabulary.GRID_SIZE_M)} m berekend (kaart).
""")

# --- own norms --------------------------------------------------------------------------------
st.header("Eigen normen gebruiken")
st.markdown(
    "Elke standaardnorm is aan te passen met een normbestand (TOML of JSON). Begin bij een "
    "normset en overschrijf alleen wat afwijkt; een product onder `[demand.…]` krijgt "
    "daarmee helemaal nieuwe normen. Gebruik het bestand op de opdrachtregel:"
)
st.code("python -m geo analyse --norms eigen-normen.toml --year 2035 --out tekorten.gpkg",
        language="bash")
st.code(assumptions.EXAMPLE_NORMS_TOML, language="toml")
st.caption("Sleutels: preset, name, source, year, demand.<product>.<leeftijdsgroep>, "
           "walking.<voorziening>, access.<maat> (facility_type, population, radius, steps, "
           "per, label), adaptable_weight, adaptable_min_area, ground_floor_share. "
           f"Producten: {', '.join(vocabulary.PRODUCTS)}. Leeftijdsgroepen: "
           f"{', '.join(vocabulary.AGE_GROUPS)}.")
