"""Renderers: each a pure function of one AssessmentResult."""
