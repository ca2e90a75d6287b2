"""Employee records: labour contracts with probation, and employment events (onboarding, transfer, resignation) merged into a timeline."""
