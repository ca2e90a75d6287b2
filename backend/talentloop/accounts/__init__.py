"""Users, passwords and the tokens that sign them in."""
