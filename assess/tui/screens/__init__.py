"""The two screens: one question at a time, and the results."""
