"""Capability: the competency framework, 360° and skill-test assessments, scores and gaps."""
