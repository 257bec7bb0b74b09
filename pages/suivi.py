"""Suivi des dialogues: who is due for a dialogue, who is late, how far the 36-month cycle is.

For coordinators, every week: at the day shown (``?au=``, default today in Paris).
"""

import streamlit as st

from territorial.ui import as_of, follow_up
from territorial.ui.router import ensure_routed

ensure_routed()
programme = as_of.programme()
st.title("Suivi des dialogues de gouvernance")
follow_up.show(programme)
