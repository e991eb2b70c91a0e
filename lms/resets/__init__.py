"""Password resets made by a teacher or an admin: one-time codes, who may reset whom, records."""
