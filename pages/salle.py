"""Salle: the facilitator opens a room; the projector shows its answers live (``/salle?salle=CODE``).

Opening and driving a room need the editor role; the results refresh by themselves
(``st.fragment(run_every=…)``) and every control has a keyboard shortcut.
"""

from territorial.ui import data, room_projector, workshop
from territorial.ui.router import ensure_routed

ensure_routed()
programme = data.programme()
workshop.way_out()  # no sidebar in projection: a discreet way back to the other pages
room_projector.facilitator_page(programme)
