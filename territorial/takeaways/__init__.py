"""What people carry away: CSV/XLSX/GeoJSON exports, the PDF fiche, chart and map
images, the offline workshop pack."""
