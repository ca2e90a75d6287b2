"""Recruitment: requisitions, postings, candidates, interviews, offers, onboarding."""
