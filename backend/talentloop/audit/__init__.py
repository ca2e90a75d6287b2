"""The audit trail: an append-only log of sign-ins, denials, sensitive reads and changes."""
