"""The organisation tree: company → branch → department → team, any depth."""
