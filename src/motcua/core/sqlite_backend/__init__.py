"""SQLite with one writer queue per database file (``ENGINE = "motcua.core.sqlite_backend"``)."""
