import retry from "async-retry";
import { openai } from "../lib/llm.js";

// Sunday night: one digest of the week's drafts for each newsletter subscriber.
export async function weeklyDigest(drafts) {
  return retry(
    () =>
      openai.chat.completions.create({
        model: "gpt-4o",
        messages: [
          { role: "system", content: "Write a friendly weekly digest of these drafts." },
          ...drafts.map((d) => ({ role: "user", content: d.text })),
        ],
        max_tokens: 800,
      }),
    { retries: Infinity, minTimeout: 1000 },
  );
}
