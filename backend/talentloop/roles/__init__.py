"""Custom roles and role grants: who holds which role, where (docs/architecture.md, "Access control")."""
