"""Where the programme lives between visits: the versioned store (SQLite or PostgreSQL),
the login throttle shared by the instances, the live workshop rooms and their answers."""
