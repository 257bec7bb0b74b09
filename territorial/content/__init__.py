"""What the pages show, computed without Streamlit: lever statistics and summaries,
filtered views and tables, the fiche, the workshop sequence, charts, HTML tables and
colour contrast checks."""
