"""Performance management: KPIs, targets, records, roll-ups, imports, triggers and performance pay."""
