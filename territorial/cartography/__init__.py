"""Maps: display geometry (overseas insets, simplification), folium maps served offline,
and static maps drawn without a browser."""
