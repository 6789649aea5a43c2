"""Stage 2, one file at a time: read, prefilter by keyword, parse once, run the checks and fact rules on that
tree (engine), find keys (secrets, keys); also the same for git history (history)."""
