"""Personal data: encryption at rest, keyed look-up hashes, key rotation, revealing a value
with a reason, and an employee's copy of their own record (PIPL arts. 28, 45, 51)."""
