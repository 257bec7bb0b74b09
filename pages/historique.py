"""Historique : les versions du programme, ce qui a changé, exports et restauration."""

import streamlit as st

from territorial.ui import data, definition_editor, editor, editor_role, programme_exports, url_state
from territorial.ui.router import ensure_routed

ensure_routed()
current_id = data.current_version_id()
history = data.history()
ids = history["Version"].tolist()

st.title("Historique des versions")
editor.flash()
st.caption(
    "Chaque import, modification ou restauration crée une nouvelle version ; aucune n'est "
    "jamais effacée. Restaurer une version en crée une nouvelle, identique à celle-ci, définition "
    "du programme comprise."
)
st.dataframe(
    data.history_shown(),
    hide_index=True,
    width="stretch",
    column_config={"Date": st.column_config.DatetimeColumn("Date (heure de Paris)", format="DD/MM/YYYY HH:mm")},
)

requested, note = url_state.integer(
    "version", default=ids[0], low=1, high=max(ids), allowed=ids, label=lambda v: f"la version {v}"
)
url_state.warn([note])
selected = st.selectbox(
    "Version à consulter",
    ids,
    index=ids.index(requested),
    key="historique_version",
    format_func=lambda v: f"Version {v}" + (" (en vigueur)" if v == current_id else ""),
)
url_state.sync({"version": str(selected)})
version = data.readable_version(selected)  # a damaged version: a French error, the rest goes on
if version is not None:
    st.markdown(editor.version_caption(version))

parent = version.parent_id if version is not None and version.parent_id in ids else current_id
compare = st.selectbox(
    "Comparer avec la version",
    ids,
    index=ids.index(parent),
    key="historique_comparer",
    format_func=lambda v: f"Version {v}",
)
if compare == selected:
    st.caption("Choisissez une autre version à comparer.")
elif version is not None and (before := data.readable_version(compare)) is not None:
    editor.show_diff(before.table, version.table, title=f"De la version {compare} à la version {selected}")
    definition_editor.show_definition_diff(before, version)

st.header(f"Exporter la version {selected}")
programme = data.readable_programme(selected) if version is not None else None
if programme is not None:
    programme_exports.export_buttons(programme, version, key=f"export_v{selected}")

st.header("Restaurer")
if selected == current_id:
    st.caption(f"La version {selected} est la version en vigueur.")
elif version is None or programme is None:
    st.caption(f"La version {selected} ne peut pas être lue : elle ne peut pas être restaurée.")
elif editor_role.editor_gate():
    with st.form("historique_restauration"):
        author, comment = editor.author_fields("restauration")
        confirmed = st.form_submit_button(f"Restaurer la version {selected}", type="primary")
    if confirmed:
        editor.save(
            lambda: data.store().restore(selected, author=author, comment=comment, expected_parent=current_id),
            on_conflict=lambda exc: editor.show_diff(
                data.version(current_id).table,
                data.version(exc.current).table,
                title="Modifications enregistrées entre-temps",
            ),
        )
