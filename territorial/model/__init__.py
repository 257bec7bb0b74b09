"""The programme model: its definition (segments, levers), the reference geography and
populations, the programme file (reading, validation) and the resolved programme."""
