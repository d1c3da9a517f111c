"""Scenario's: build, save, import/export scenarios and see their effect immediately."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import vocabulary
from geo.errors import WoonzorgError
from geo.formats import fmt_int
from geo.io.scenario_store import ScenarioStore, StoreConflictError
from geo.model.crs import to_rd
from geo.model.norms import PRESETS
from geo.model.prognosis import VARIANTS
from geo.model.scenario import Scenario, scenario_from_dict, without_changes
from geo.model.scenario_checks import validate_scenario
from geo.model.scenario_text import dumps_scenario, loads_scenario
from geo.reporting.handout import make_handout
from ui.cache import distance_of, map_layers, scenario_result
from ui.common import page_context
from ui.maps import project_pick_map

PROJECT_COLUMNS = ["name", "x", "y", "ready", *vocabulary.PRODUCTS, "owner"]
CHANGE_COLUMNS = ["action", "id", "from_year", "facility_type", "name", "capacity", "x", "y"]
NEW = "(nieuw scenario)"
SHORT_LABELS = {"step_free": "Tekort nultredenwoningen", "clustered": "Tekort geclusterd wonen",
                "nursing_somatic": "Tekort verpleegzorg somatisch",
                "nursing_dementia": "Tekort verpleegzorg PG"}

ctx = page_context()
region, region_key = ctx.region, ctx.region_key
st.title("Scenario's")
st.caption("Een scenario is een benoemde set wijzigingen ten opzichte van de huidige situatie: "
           "bouwprojecten, voorzieningen die sluiten, openen of van capaciteit veranderen, en "
           "het jaar, de normset en de prognose. Het wordt bewaard als leesbaar TOML-bestand.")

try:
    store = ScenarioStore()
    saved = store.list()
except WoonzorgError as exc:
    st.error(f"De scenario-opslag is niet bruikbaar: {exc}")
    st.stop()


def _empty_draft() -> dict:
    return {"name": "Nieuw scenario", "description": "", "year": 2030, "prognosis": "basis",
            "norms": {}, "projects": [], "facility_changes": []}


def _load_into_editor(scenario: Scenario, *, sid: int | None, version: int | None) -> None:
    if scenario.notices:  # e.g. a scenario of an earlier version was migrated
        st.session_state["scn_notice"] = " ".join(scenario.notices)
    st.session_state["scn_draft"] = scenario.to_dict()
    st.session_state["scn_id"] = sid
    st.session_state["scn_version"] = version
    st.session_state["scn_rev"] = st.session_state.get("scn_rev", 0) + 1  # reset widgets


if "scn_draft" not in st.session_state:
    _load_into_editor(scenario_from_dict(_empty_draft()), sid=None, version=None)

# --- choose, import, manage -------------------------------------------------------------
left, right = st.columns([2, 1])
with left:
    names = [NEW, *[s.name for s in saved]]
    current = next((s.name for s in saved if s.id == st.session_state.get("scn_id")), NEW)
    choice = st.selectbox("Open een bewaard scenario", names, index=names.index(current))
    if choice != current:
        if choice == NEW:
            _load_into_editor(scenario_from_dict(_empty_draft()), sid=None, version=None)
        else:
            item = next(s for s in saved if s.name == choice)
            try:
                full = store.get(item.id)
                _load_into_editor(loads_scenario(full.toml_text or ""), sid=full.id,
                                  version=full.version)
            except WoonzorgError as exc:
                st.error(f"Dit scenario kan niet worden geopend: {exc}")
        st.rerun()
with right:
    upload = st.file_uploader("Importeer een scenario (.toml)", type=["toml"],
                              max_upload_size=1)
    if upload is not None and st.session_state.get("scn_upload") != upload.file_id:
        st.session_state["scn_upload"] = upload.file_id
        try:
            imported = loads_scenario(upload.getvalue().decode("utf-8"))
            validate_scenario(imported, region)
            _load_into_editor(imported, sid=None, version=None)
            st.session_state["scn_flash"] = (f"Scenario '{imported.name}' geïmporteerd; "
                                             "bewaar het om het te houden.")
            st.rerun()
        except UnicodeDecodeError:
            st.error("Het bestand is geen UTF-8-tekst. Sla het op als UTF-8 en probeer opnieuw.")
        except WoonzorgError as exc:
            st.error(f"Het bestand is geen geldig scenario: {exc}")

if flash := st.session_state.pop("scn_flash", None):
    st.success(flash)
if notice := st.session_state.pop("scn_notice", None):
    st.info(notice)
draft = st.session_state["scn_draft"]
rev = st.session_state["scn_rev"]

# --- the editor -------------------------------------------------------------------------
st.subheader("Instellingen")
c1, c2, c3, c4 = st.columns([3, 1, 1, 2])
name = c1.text_input("Naam", value=draft.get("name", ""), key=f"scn_name_{rev}")
years = list(range(region.base_year, 2041))
year = c2.selectbox("Jaar", years, key=f"scn_year_{rev}",
                    index=years.index(draft.get("year", 2030))
                    if draft.get("year", 2030) in years else 0)
variants = list(VARIANTS)
prog = draft.get("prognosis", "basis")
prognosis = c3.selectbox("Prognose", variants, key=f"scn_prog_{rev}",
                         index=variants.index(prog) if prog in variants else 0)
preset_now = dict(draft.get("norms", {})).get("preset", "landelijk_2030")
presets = list(PRESETS)
preset = c4.selectbox("Normset", presets, key=f"scn_norms_{rev}",
                      index=presets.index(preset_now) if preset_now in presets else 0,
                      format_func=lambda k: PRESETS[k].name)
description = st.text_input("Omschrijving", value=draft.get("description", ""),
                            key=f"scn_desc_{rev}")

st.subheader("Bouwprojecten")
st.caption("Ligging in RD-meters (x, y). Klik op de kaart hieronder om een project op die plek "
           "toe te voegen. Een project dat na het scenariojaar wordt opgeleverd telt niet mee.")
projects = pd.DataFrame([{**dict.fromkeys(PROJECT_COLUMNS), **p,
                          **dict(p.get("units", {}))} for p in draft.get("projects", [])],
                        columns=PROJECT_COLUMNS)
for i, row in projects.iterrows():
    if pd.isna(row["x"]) and "lon" in draft["projects"][i]:
        x, y = to_rd(draft["projects"][i]["lon"], draft["projects"][i]["lat"])
        projects.loc[i, ["x", "y"]] = [round(float(x)), round(float(y))]
edited_projects = st.data_editor(
    projects, num_rows="dynamic", width="stretch", key=f"scn_projects_{rev}",
    column_config={
        "name": st.column_config.TextColumn("Naam", required=True),
        "x": st.column_config.NumberColumn("x (RD)", format="%.0f"),
        "y": st.column_config.NumberColumn("y (RD)", format="%.0f"),
        "ready": st.column_config.NumberColumn("Gereed in", min_value=2000, max_value=2060,
                                               step=1, format="%d"),
        **{p: st.column_config.NumberColumn(vocabulary.PRODUCT_LABELS[p], min_value=0, step=1,
                                            format="%d") for p in vocabulary.PRODUCTS},
        "owner": st.column_config.TextColumn("Eigenaar"),
    })

# map to place a project
layers = map_layers(region, ctx.result, (region_key, ctx.result.year,
                                         ctx.result.norms.key, ctx.result.prognosis.name,
                                         *distance_of(ctx.result)))
pick = project_pick_map(layers, edited_projects)
map_col, add_col = st.columns([3, 1])
with map_col:
    event = st_folium(pick, height=360, use_container_width=True, key="scn_pick",
                      returned_objects=["last_clicked"])
clicked = (event or {}).get("last_clicked")
with add_col:
    if clicked and clicked.get("lat") is not None:
        x, y = (float(c) for c in to_rd(float(clicked["lng"]), float(clicked["lat"])))
        st.markdown(f"Aangeklikt: **x {fmt_int(x)}, y {fmt_int(y)}** (RD)")
        units = st.number_input("Nultredenwoningen", min_value=0, value=20, step=5,
                                key="scn_new_units")
        if st.button("Project hier toevoegen", type="primary", key="scn_add_here"):
            new = {"name": f"Project {len(edited_projects) + 1}", "x": round(x, 1),
                   "y": round(y, 1), "ready": int(year), "units": {"step_free": int(units)}}
            st.session_state["scn_pending_project"] = new
    else:
        st.info("Klik op de kaart om een plek voor een nieuw project te kiezen.")

st.subheader("Wijzigingen in voorzieningen")
st.caption("Actie: close (sluiten, met id), open (nieuw: type, naam, capaciteit, x, y) of "
           "capacity (nieuwe capaciteit, met id). De id's staan in de lijst hieronder.")
changes = pd.DataFrame(list(draft.get("facility_changes", [])), columns=CHANGE_COLUMNS)
edited_changes = st.data_editor(
    changes, num_rows="dynamic", width="stretch", key=f"scn_changes_{rev}",
    column_config={
        "action": st.column_config.SelectboxColumn("Actie", options=["close", "open",
                                                                     "capacity"],
                                                   required=True),
        "id": st.column_config.TextColumn("Id"),
        "from_year": st.column_config.NumberColumn(
            "Vanaf jaar", min_value=2000, max_value=2060, step=1, format="%d",
            help="Leeg: de wijziging geldt in elk scenariojaar."),
        "facility_type": st.column_config.SelectboxColumn(
            "Type (open)", options=list(vocabulary.FACILITY_TYPES)),
        "name": st.column_config.TextColumn("Naam (open)"),
        "capacity": st.column_config.NumberColumn("Capaciteit", min_value=0),
        "x": st.column_config.NumberColumn("x (RD)", format="%.0f"),
        "y": st.column_config.NumberColumn("y (RD)", format="%.0f"),
    })
with st.expander("Bestaande voorzieningen (id's)"):
    fac = pd.DataFrame(region.facilities.drop(columns="geometry"))
    st.dataframe(fac[["facility_id", "facility_type", "name", "woonplaats", "capacity"]
                     if "woonplaats" in fac
                     else ["facility_id", "facility_type", "name", "capacity"]],
                 hide_index=True, width="stretch")


def _clean(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _rows_to_projects(frame: pd.DataFrame) -> list[dict]:
    out = []
    for _, row in frame.iterrows():
        if all(_clean(row[c]) is None for c in PROJECT_COLUMNS):
            continue
        item: dict = {"name": _clean(row["name"]) or "", "ready": int(row["ready"])
                      if _clean(row["ready"]) is not None else int(year)}
        if _clean(row["x"]) is not None and _clean(row["y"]) is not None:
            item["x"], item["y"] = float(row["x"]), float(row["y"])
        units = {p: int(row[p]) for p in vocabulary.PRODUCTS if _clean(row[p]) is not None
                 and float(row[p]) > 0}
        item["units"] = units
        if _clean(row["owner"]) is not None:
            item["owner"] = str(row["owner"])
        out.append(item)
    return out


def _rows_to_changes(frame: pd.DataFrame) -> list[dict]:
    out = []
    for _, row in frame.iterrows():
        item = {c: _clean(row[c]) for c in CHANGE_COLUMNS}
        if all(v is None for v in item.values()):
            continue
        for key in ("capacity", "x", "y"):
            if item[key] is not None:
                item[key] = float(item[key])
        if item["from_year"] is not None:
            item["from_year"] = int(item["from_year"])
        out.append({k: v for k, v in item.items() if v is not None})
    return out


project_rows = _rows_to_projects(edited_projects)
pending = st.session_state.pop("scn_pending_project", None)
if pending:
    project_rows.append(pending)
    draft_now = dict(draft, projects=project_rows)
    st.session_state["scn_draft"] = draft_now
    st.session_state["scn_rev"] = rev + 1
    st.rerun()

norms = dict(draft.get("norms", {}))
norms["preset"] = preset
data = {"name": name, "description": description, "year": int(year), "prognosis": prognosis,
        "norms": norms, "projects": project_rows,
        "facility_changes": _rows_to_changes(edited_changes)}

# --- effect -----------------------------------------------------------------------------
st.subheader("Effect")
try:
    scenario = scenario_from_dict(data)
    validate_scenario(scenario, region)
    toml_text = dumps_scenario(scenario)
    result = scenario_result(region, region_key, toml_text, *distance_of(ctx.result))
    reference = scenario_result(region, region_key, dumps_scenario(without_changes(scenario)),
                                *distance_of(ctx.result))
except WoonzorgError as exc:
    st.error(f"Het scenario is (nog) niet geldig: {exc}")
    st.stop()

st.session_state["scn_draft"] = scenario.to_dict()
st.caption(f"Tekort (vraag − aanbod) in {scenario.year} met {result.norms.name}; het verschil is "
           "het effect van de projecten en wijzigingen ten opzichte van hetzelfde jaar zonder "
           "wijzigingen.")
ref = reference.kerngebied.set_index("kerngebied")
shown = set(ctx.kerngebieden(result))  # the chosen municipality's (all for the region)
if ctx.gemeente is not None:
    st.caption(f"Kerngebieden van {ctx.scope_label()} (keuze in de zijbalk); het scenario "
               "geldt voor de hele regio.")
for _, row in result.kerngebied.iterrows():
    k = row["kerngebied"]
    if k not in shown:
        continue
    cols = st.columns(len(vocabulary.PRODUCTS) + 1)
    cols[0].markdown(f"**{k}**")
    for col, product in zip(cols[1:], vocabulary.PRODUCTS, strict=True):
        value = row[f"shortage_{product}"]
        delta = value - ref.loc[k, f"shortage_{product}"]
        col.metric(SHORT_LABELS[product], fmt_int(value),
                   delta=None if abs(delta) < 0.5 else fmt_int(delta), delta_color="inverse")

# --- save, export, handout --------------------------------------------------------------
st.subheader("Bewaren en delen")
b1, b2, b3, b4, b5 = st.columns(5)
if b1.button("Bewaren", type="primary", key="scn_save"):
    try:
        stored = store.save(scenario.name, toml_text, id=st.session_state.get("scn_id"),
                            expected_version=st.session_state.get("scn_version"))
        st.session_state["scn_id"], st.session_state["scn_version"] = stored.id, stored.version
        st.session_state["scn_flash"] = f"Bewaard als '{stored.name}' (versie {stored.version})."
        st.rerun()
    except StoreConflictError as exc:
        st.error(str(exc))
    except WoonzorgError as exc:
        st.error(f"Bewaren is mislukt; de vorige versie is ongewijzigd: {exc}")
b2.download_button("TOML exporteren", toml_text.encode("utf-8"),
                   file_name=f"{scenario.name}.toml", mime="application/toml")
if b3.button("Dupliceren", key="scn_dup", disabled=st.session_state.get("scn_id") is None):
    try:
        copy = store.duplicate(st.session_state["scn_id"])
        st.session_state["scn_id"], st.session_state["scn_version"] = copy.id, copy.version
        _load_into_editor(loads_scenario(store.get(copy.id).toml_text or ""), sid=copy.id,
                          version=copy.version)
        st.rerun()
    except WoonzorgError as exc:
        st.error(str(exc))
with b4.popover("Hernoemen", disabled=st.session_state.get("scn_id") is None):
    new_name = st.text_input("Nieuwe naam", value=scenario.name, key="scn_rename")
    if st.button("Hernoem", key="scn_do_rename"):
        try:
            renamed = loads_scenario(toml_text)
            renamed = scenario_from_dict({**renamed.to_dict(), "name": new_name})
            stored = store.save(new_name, dumps_scenario(renamed), id=st.session_state["scn_id"],
                                expected_version=st.session_state.get("scn_version"))
            _load_into_editor(renamed, sid=stored.id, version=stored.version)
            st.rerun()
        except WoonzorgError as exc:
            st.error(str(exc))
with b5.popover("Verwijderen", disabled=st.session_state.get("scn_id") is None):
    st.write("Dit scenario definitief verwijderen?")
    if st.button("Ja, verwijderen", type="primary", key="scn_do_delete"):
        try:
            store.delete(st.session_state["scn_id"])
            _load_into_editor(scenario_from_dict(_empty_draft()), sid=None, version=None)
            st.rerun()
        except WoonzorgError as exc:
            st.error(str(exc))
try:
    pdf = make_handout(result, scenario_name=scenario.name, base=reference,
                       base_name=f"zonder wijzigingen ({scenario.year})")
    st.download_button("Handout (PDF, A4)", pdf, file_name=f"{scenario.name}.pdf",
                       mime="application/pdf")
except WoonzorgError as exc:
    st.error(f"De handout kan niet worden gemaakt: {exc}")
with st.expander("Scenario als TOML"):
    st.code(toml_text, language="toml")
