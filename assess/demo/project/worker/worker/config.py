"""Settings for the Quillmate batch worker."""
import os

# TODO: move to env before launch
OPENAI_API_KEY = "<<ASSESS_FAKE_KEY:openai-project>>"

INPUT_PATH = os.environ.get("QUILLMATE_INPUT", "data/drafts.jsonl")
OUTPUT_PATH = os.environ.get("QUILLMATE_OUTPUT", "data/results.jsonl")
