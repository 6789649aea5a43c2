"""Nightly batch: classify draft sentiment and summarize each draft."""
import json
import logging
import os

import anthropic
import backoff
from openai import OpenAI
from tenacity import retry, stop_after_attempt, wait_exponential

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


@backoff.on_exception(backoff.expo, anthropic.RateLimitError)
def summarize(text: str) -> str:
    message = anthropic.Anthropic().messages.create(
        model="claude-opus-4-1",
        max_tokens=1024,
        messages=[{"role": "user", "content": f"Summarize this draft:\n\n{text}"}],
    )
    return message.content[0].text


@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=1, max=30))
def headline(text: str) -> str:
    response = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": f"Write a headline for:\n\n{text}"}],
        max_tokens=30,
    )
    return response.choices[0].message.content.strip()


def tags(text: str) -> list[str]:
    while True:
        try:
            response = client.chat.completions.create(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": f"Three comma-separated tags for:\n\n{text}"}],
                max_tokens=20,
            )
            return [t.strip() for t in response.choices[0].message.content.split(",")]
        except Exception:
            log.warning("tagging failed, trying again")


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
