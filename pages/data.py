"""Data: load real data (CBS buurten, BAG, facility lists), preview it, switch regions.

Uploads are read in memory by ``geo.io.uploads`` (size limit, format sniffing, zip checks; GDAL
never gets a user path); ``geo.io.build`` makes the region. Until "Opslaan en activeren" the
region of this session (and every saved scenario) is untouched. "Activeren" switches the
region of this browser session only (kept in the URL, ``?regio=…``; see ``ui/regions.py``);
saved regions are shared by all users of the data directory.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import vocabulary
from geo.analysis.gaps import analyse
from geo.config import get_config
from geo.errors import WoonzorgError
from geo.formats import fmt_int
from geo.io.build import FACILITY_BUFFER_M, BuildResult, build_region
from geo.io.saved_regions import delete_saved_region, save_region
from geo.io.uploads import max_bytes
from geo.model.regions_presets import REGION_PRESETS, resolve_region
from geo.reporting.profile import md_escape
from ui import regions
from ui.common import active_region, demo_notice
from ui.maps import MapOptions, build_map, display_layers
from ui.navigation import ensure_navigation

ensure_navigation()  # before anything is drawn; see the ui.navigation docstring
PREVIEW = "data_preview"
NO_PRESET = "(geen: gemeente(n) hierboven)"

region, _ = active_region()
st.title("Data laden")
demo_notice(region)

# --- region of this session ---------------------------------------------------------

st.subheader("Regio van deze sessie")
options = regions.region_options()
current = regions.current_choice().id
choice = st.selectbox("Regio", list(options), format_func=lambda k: options[k].label,
                      index=list(options).index(current) if current in options else 0,
                      key="data_region_choice")
c1, c2 = st.columns([1, 3])
if c1.button("Activeren", key="data_activate", disabled=choice == current, type="primary",
             help="Toont deze regio in dit browservenster; andere gebruikers houden hun eigen "
                  "keuze."):
    regions.remember(choice)
    st.rerun()
if options[choice].path is not None and c2.button(
        "Verwijderen", key="data_delete",
        help="Verwijdert het opgeslagen regiobestand voor alle gebruikers (niet de ingebouwde "
             "regio)."):
    try:
        delete_saved_region(options[choice].path)
    except WoonzorgError as exc:
        st.error(str(exc))
    else:
        if choice == current:
            regions.remember(regions.DEMO_ID)
        st.rerun()
st.caption("Opgeslagen regio's staan in de datamap (WOONZORGATLAS_DATA_DIR) en zijn er voor "
           "alle gebruikers van deze server. Welke regio u ziet, kiest u zelf: de keuze geldt "
           "voor dit browservenster en staat in het adres (…?regio="
           f"{md_escape(current)}), zodat een link of herladen dezelfde regio opent. Nieuwe "
           "sessies beginnen in de standaardregio van de server (WOONZORGATLAS_DEFAULT_REGION "
           "of `python -m geo regions --default`).")

# --- new region ---------------------------------------------------------------------------

st.subheader("Nieuwe regio laden")
limit_mb = max_bytes() // (1024 * 1024)
st.markdown(
    "Laad de **CBS Wijk- en Buurtkaart** (GeoPackage, gezipt Shapefile of PDOK-GeoJSON) en "
    "kies de gemeente — of meer gemeenten (komma's) of een benoemde regio zoals "
    "Zuidoost-Drenthe: één regio van meer gemeenten. Optioneel: een **BAG**-uitsnede "
    "(GeoPackage met `verblijfsobject` en `pand`), **voorzieningenlijsten** (CSV met RD x/y "
    "of lon/lat, of met alleen adressen samen met de BAG-uitsnede; GeoJSON, GeoPackage of "
    "OpenStreetMap `.osm.pbf`), een **corporatielijst** (CSV met BAG-id of adres en "
    "eigenaar), een **kerngebiedenbestand**, de **leeftijdsopbouw** (StatLine-export) voor "
    "de verdeling van 65+ en de **bevolking per buurt** (CSV van `python -m geo fetch "
    f"--population`). Maximaal {limit_mb} MB per bestand. Zonder internet: download de "
    "bestanden elders (PDOK, CBS) en laad ze hier.")

with st.form("data_upload"):
    cbs = st.file_uploader("CBS-buurten (verplicht)", type=["gpkg", "zip", "geojson", "json"],
                           key="up_cbs", max_upload_size=limit_mb)
    left, right = st.columns(2)
    gemeente = left.text_input(
        "Gemeente(n) (code of naam)", placeholder="GM1731, of GM1681, GM0109, GM0114",
        key="up_gemeente", help="Eén gemeente, of meer gescheiden door komma's: één regio "
        "van meer gemeenten (alle uit hetzelfde CBS-bestand).")
    preset = right.selectbox(
        "Of een regio van meer gemeenten", [NO_PRESET, *REGION_PRESETS], key="up_preset",
        format_func=lambda k: k if k == NO_PRESET else
        f"{k}: {', '.join(n for _, n in REGION_PRESETS[k].gemeenten)}",
        help="Een benoemde regio vult de gemeenten zelf in (laat 'Gemeente(n)' dan leeg).")
    left, right = st.columns(2)
    region_name = left.text_input("Naam van de regio (optioneel)", key="up_naam",
                                  placeholder="standaard de naam van de gemeente of regio")
    base_year = right.number_input("Basisjaar (0 = jaar van de CBS-kaart)", min_value=0,
                                   max_value=get_config().max_year, value=0, step=1,
                                   key="up_year")
    bag = st.file_uploader("BAG (GeoPackage)", type=["gpkg"], key="up_bag",
                           max_upload_size=limit_mb)
    facilities = st.file_uploader(
        "Voorzieningen",
        type=["csv", "txt", "geojson", "json", "gpkg", "pbf", "osm", "gz", "bz2"],
        accept_multiple_files=True, key="up_fac", max_upload_size=limit_mb)
    left, right = st.columns(2)
    corporations = left.file_uploader("Corporatiewoningen (CSV)", type=["csv", "txt"],
                                      key="up_corp", max_upload_size=limit_mb)
    kerngebieden = right.file_uploader(
        "Kerngebieden (CSV buurt_code/wijk_code;kerngebied, of vlakken)",
        type=["csv", "txt", "gpkg", "geojson", "json", "zip"], key="up_kerngebieden",
        max_upload_size=limit_mb)
    left, right = st.columns(2)
    ages = left.file_uploader("Leeftijdsopbouw gemeente/provincie (StatLine-CSV)",
                              type=["csv", "txt"], key="up_ages", max_upload_size=limit_mb,
                              help="Verdeling van 65+ over 65–74, 75–84 en 85+.")
    population = right.file_uploader(
        "Bevolking per buurt (CBS-tabel, CSV)", type=["csv", "txt"],
        key="up_pop", max_upload_size=limit_mb,
        help="Vervangt inwoners en leeftijdsgroepen van de kaart. Elke CBS-vorm: CSV van geo "
             "fetch, OData-TypedDataSet, StatLine-export (Kerncijfers wijken en "
             "buurten) of de kolommen van de Wijk- en Buurtkaart. Ontbrekende leeftijdsgroepen "
             "worden geschat en gemarkeerd.")
    wijken = st.file_uploader(
        "Wijken met namen (optioneel)", type=["gpkg", "geojson", "json", "zip", "csv", "txt"],
        key="up_wijken", max_upload_size=limit_mb,
        help="Alleen nodig als de buurten geen wijknamen hebben en het CBS-bestand geen laag "
             "'wijken' heeft: de wijkenlaag van de Wijk- en Buurtkaart, PDOK-wijken of een "
             "CSV wijkcode;wijknaam.")
    submitted = st.form_submit_button("Voorbeeld maken", type="primary")


def _set_preview(built: BuildResult) -> None:
    """Keep the built region and its map layers for this session (analysed once)."""
    analysis = analyse(built.region)
    st.session_state[PREVIEW] = (built, analysis, display_layers(built.region, analysis))


def _named(upload):  # noqa: ANN001, ANN202 - UploadedFile → (bytes, name)
    return None if upload is None else (upload.getvalue(), upload.name)


if submitted:
    if cbs is None or not (gemeente.strip() or preset != NO_PRESET):
        st.error("Kies een CBS-buurtenbestand en vul de gemeente in (code zoals GM1731 of "
                 "de naam; meer gemeenten gescheiden door komma's) of kies een regio.")
    else:
        bar = st.progress(0.0, text="Bezig…")
        try:
            gemeenten, name = resolve_region(gemeente, None if preset == NO_PRESET else preset,
                                             region_name)
            result = build_region(
                cbs=_named(cbs), gemeente=gemeenten, name=name, bag=_named(bag),
                facilities=[_named(f) for f in facilities or []],
                corporations=_named(corporations), kerngebieden=_named(kerngebieden),
                age_distribution=_named(ages), population=_named(population),
                wijken=_named(wijken), base_year=int(base_year) or None,
                buffer_m=FACILITY_BUFFER_M,
                progress=lambda f, m: bar.progress(f, text=m))
        except WoonzorgError as exc:
            bar.empty()
            st.session_state.pop(PREVIEW, None)
            st.error(f"Deze gegevens kunnen niet worden geladen: {exc} De actieve regio en "
                     "de opgeslagen scenario's zijn niet gewijzigd.")
        else:
            bar.empty()
            _set_preview(result)

FETCHED = "data_fetched"
with st.expander("Of: ophalen bij PDOK en CBS (alleen met internet)",
                 expanded=FETCHED in st.session_state):
    st.caption("Haalt alles op wat een regio nodig heeft: de CBS-buurten en -wijken (PDOK), "
               "de bevolking en de nabijheidscijfers per buurt (CBS StatLine), de woningen uit "
               "de BAG (PDOK BAG-API, in tegels) en de voorzieningen uit OpenStreetMap "
               "(Overpass). Een onderbroken download gaat bij opnieuw ophalen verder waar hij "
               "stopte (lokale cache in de datamap). Zonder internet krijgt u een melding; "
               "download de bestanden dan elders en laad ze hierboven.")
    left, right = st.columns(2)
    fetch_code = left.text_input("Gemeentecode(s)", placeholder="GM1731, of GM1681, GM0109",
                                 key="fetch_code", help="Meer gemeenten gescheiden door "
                                 "komma's: elke gemeente wordt opgehaald en de bestanden "
                                 "worden samengevoegd tot één regio.")
    fetch_year = right.number_input("Jaargang", min_value=2014, max_value=2025, value=2024,
                                    step=1, key="fetch_year")
    parts = st.multiselect("Ook ophalen", ["bevolking", "bag", "osm"],
                           default=["bevolking", "bag", "osm"], key="fetch_parts",
                           format_func={"bevolking": "Bevolking en nabijheid (CBS)",
                                        "bag": "Woningen (BAG)",
                                        "osm": "Voorzieningen (OpenStreetMap)"}.get)
    if st.button("Ophalen", key="fetch_go"):
        from geo.io.fetch import default_cache, fetch_regions
        from geo.io.scenario_store import data_dir

        st.session_state.pop(FETCHED, None)
        bar = st.progress(0.0, text="Verbinden…")
        try:
            fetched = fetch_regions(
                resolve_region(fetch_code)[0], int(fetch_year), data_dir() / "downloads",
                skip=[p for p in ("bevolking", "bag", "osm") if p not in parts],
                cache=default_cache(), progress=lambda f, m: bar.progress(f, text=m))
        except WoonzorgError as exc:
            bar.empty()
            st.error(f"Ophalen mislukt: {exc} Wat al binnen was, blijft bewaard; opnieuw "
                     "ophalen gaat verder waar het stopte. De actieve regio is niet gewijzigd.")
        else:
            bar.empty()
            st.session_state[FETCHED] = fetched
    fetched = st.session_state.get(FETCHED)
    if fetched is not None:
        st.success(f"Opgehaald voor {fetched.gemeente_code} ({fetched.year}): "
                   + ", ".join(f"{kind} ({fmt_int(r.count)})"
                               for kind, r in fetched.results.items()) + ".")
        st.markdown("\n".join(f"- {note}" for note in fetched.notes))
        if st.button("Voorbeeld maken van de opgehaalde gegevens", key="fetch_build",
                     type="primary"):
            bar = st.progress(0.0, text="Bezig…")
            try:
                result = build_region(**fetched.build_inputs(), buffer_m=FACILITY_BUFFER_M,
                                      progress=lambda f, m: bar.progress(f, text=m))
            except WoonzorgError as exc:
                bar.empty()
                st.error(f"Deze gegevens kunnen niet worden geladen: {exc} De actieve regio "
                         "is niet gewijzigd.")
            else:
                bar.empty()
                _set_preview(result)

if PREVIEW not in st.session_state:
    st.stop()
preview, result, layers = st.session_state[PREVIEW]

# --- preview -------------------------------------------------------------------------------

new = preview.region
st.subheader(f"Voorbeeld: {new.name} ({new.metadata.get('gemeente_code', '')}, "
             f"basisjaar {new.base_year})")
if new.is_multi_gemeente:
    st.markdown("Gemeenten: " + ", ".join(f"{name} ({code})" for code, name in new.gemeenten))
m = st.columns(4)
m[0].metric("Buurten", fmt_int(preview.stats.get("buurten", 0)))
m[1].metric("Inwoners", fmt_int(preview.stats.get("inhabitants", 0)))
m[2].metric("Woningen", fmt_int(preview.stats.get("homes", 0)))
m[3].metric("Voorzieningen", fmt_int(preview.stats.get("facilities", 0)))

fmap, _ = build_map(result, layers, MapOptions(
    theme="pop_75plus", level="buurt", homes="off",
    facility_types=tuple(sorted(set(new.facilities["facility_type"]))), labels=False))
st_folium(fmap, height=420, use_container_width=True, key="data_map", returned_objects=[])

recognised, missing = st.columns(2)
with recognised:
    st.markdown("**Herkend**")
    st.markdown("\n".join(f"- **{layer}**: {new.metadata.get(f'source_{layer}', '–')}"
                          for layer in ("areas", "population", "homes", "facilities")))
    st.markdown("Kerngebieden: " + ", ".join(new.kerngebieden))
with missing:
    st.markdown("**Ontbreekt of let op**")
    if preview.warnings:
        st.markdown("\n".join(f"- {w}" for w in preview.warnings))
    else:
        st.markdown("Niets.")

with st.expander(f"Importverslag ({len(preview.report)} regels)"):
    st.caption("Wat is herkend, gekoppeld, geschat, hersteld en weggelaten, per invoerbestand. "
               "Het verslag wordt met de regio opgeslagen (metadata 'import_report').")
    for heading, texts in preview.report.grouped():
        st.markdown(f"**{heading}**")
        st.markdown("\n".join(f"- {md_escape(text)}" for text in texts))

table = new.areas[["buurt_code", "buurt_name", "wijk_name", "kerngebied"]].merge(
    new.population, on="buurt_code", how="left")
table.insert(4, "inwoners", table[vocabulary.band_columns()].sum(axis=1))
st.dataframe(pd.DataFrame(table.drop(columns=["estimated"], errors="ignore")),
             hide_index=True, width="stretch", height=300)
st.caption("65–74, 75–84 en 85+ zijn schattingen: het CBS geeft per buurt alleen 65+. "
           + new.metadata.get("source_population", ""))

if st.button("Opslaan en activeren", key="data_save", type="primary"):
    try:
        path = save_region(new)
    except WoonzorgError as exc:
        st.error(f"Opslaan mislukt: {exc} De actieve regio is niet gewijzigd.")
    else:
        regions.remember(path.stem)  # this session's region; others keep theirs
        st.session_state.pop(PREVIEW, None)
        st.session_state.pop(FETCHED, None)
        st.success(f"Opgeslagen als {path.name} en actief.")
        st.rerun()
