"""The headless scan: discover files, prefilter, parse once, match checks, gather project facts."""
