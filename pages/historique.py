"""Historique : les versions du programme, ce qui a changé, exports et restauration."""

import pandas as pd
import streamlit as st

from territorial.ui import data, editor
from territorial.ui.router import ensure_routed

ensure_routed()
current_id = data.current_version_id()
history = data.history()
ids = history["Version"].tolist()

st.title("Historique des versions")
editor.flash()
st.caption("Chaque import, modification ou restauration crée une nouvelle version ; aucune n'est "
           "jamais effacée. Restaurer une version en crée une nouvelle, identique à celle-ci.")
parents = history["Version de départ"].map(lambda v: "—" if pd.isna(v) else str(v))  # not "None"
st.dataframe(history.drop(columns=["Démonstration"]).assign(**{"Version de départ": parents}),
             hide_index=True, width="stretch",
             column_config={"Date": st.column_config.DatetimeColumn("Date (UTC)", format="DD/MM/YYYY HH:mm")})

requested = st.query_params.get("version", "")
default = ids.index(int(requested)) if requested.isdigit() and int(requested) in ids else 0
selected = st.selectbox("Version à consulter", ids, index=default, key="historique_version",
                        format_func=lambda v: f"Version {v}" + (" (en vigueur)" if v == current_id else ""))
st.query_params["version"] = str(selected)
version = data.version(selected)
st.markdown(editor.version_caption(version))

parent = version.parent_id if version.parent_id in ids else current_id
compare = st.selectbox("Comparer avec la version", ids, index=ids.index(parent), key="historique_comparer",
                       format_func=lambda v: f"Version {v}")
if compare != selected:
    editor.show_diff(data.version(compare).table, version.table,
                     title=f"De la version {compare} à la version {selected}")
else:
    st.caption("Choisissez une autre version à comparer.")

st.subheader(f"Exporter la version {selected}")
editor.export_buttons(data.programme_at(selected), version, key=f"export_v{selected}")

st.subheader("Restaurer")
if selected == current_id:
    st.caption(f"La version {selected} est la version en vigueur.")
elif editor.editor_gate():
    with st.form("historique_restauration"):
        author, comment = editor.author_fields("restauration")
        confirmed = st.form_submit_button(f"Restaurer la version {selected}", type="primary")
    if confirmed:
        editor.save(lambda: data.store().restore(selected, author=author, comment=comment,
                                                 expected_parent=current_id),
                    on_conflict=lambda exc: editor.show_diff(data.version(current_id).table,
                                                             data.version(exc.current).table,
                                                             title="Modifications enregistrées entre-temps"))
