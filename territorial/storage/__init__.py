"""Where the programme lives between visits: the versioned store (SQLite or PostgreSQL),
in-app editing with conflict handling, and the editor role (passwords, login throttle)."""
