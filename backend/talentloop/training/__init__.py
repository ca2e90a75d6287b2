"""Training management: courses, sessions, enrolments, plans and budgets, training-linked targets."""
