"""Nightly batch: classify draft sentiment and summarize each draft."""
import json
import logging
import os

import anthropic
from openai import OpenAI
from tenacity import retry, wait_exponential

from worker import config

log = logging.getLogger(__name__)

os.environ.setdefault("OPENAI_API_KEY", config.OPENAI_API_KEY)
client = OpenAI()


def load_rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@retry(wait=wait_exponential(multiplier=1, max=60))
def classify_rows(rows: list[dict]) -> dict[str, str]:
    labels = {}
    for row in rows:
        response = client.chat.completions.create(
            model="gpt-4o",
            messages=[
                {"role": "system", "content": "Answer with one word: positive or negative."},
                {"role": "user", "content": row["text"]},
            ],
        )
        labels[row["id"]] = response.choices[0].message.content.strip().lower()
    return labels


def summarize(text: str) -> str:
    message = anthropic.Anthropic().messages.create(
        model="claude-opus-4-1",
        max_tokens=1024,
        messages=[{"role": "user", "content": f"Summarize this draft:\n\n{text}"}],
    )
    return message.content[0].text


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    rows = load_rows(config.INPUT_PATH)
    labels = classify_rows(rows)
    with open(config.OUTPUT_PATH, "w", encoding="utf-8") as out:
        for row in rows:
            try:
                summary = summarize(row["text"])
            except anthropic.APIError:
                log.exception("summary failed for row %s", row["id"])
                summary = None
            result = {"id": row["id"], "sentiment": labels[row["id"]], "summary": summary}
            out.write(json.dumps(result) + "\n")
    log.info("processed %d rows", len(rows))


if __name__ == "__main__":
    main()
