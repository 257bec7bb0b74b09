"""Participer: a participant answers the room's question from a phone (``/participer?salle=CODE``).

No account, no personal data: the territory, the answers and a random token of this browser
tab (``?jeton=``), so that a changed answer replaces the previous one.
"""

from territorial.ui import data, room_participant
from territorial.ui.router import ensure_routed

ensure_routed()
room_participant.participant_page(data.programme())
