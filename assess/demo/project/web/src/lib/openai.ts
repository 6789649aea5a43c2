import OpenAI from "openai";

// Quick prototype: call OpenAI straight from the browser.
const client = new OpenAI({
  apiKey: import.meta.env.VITE_OPENAI_API_KEY,
  dangerouslyAllowBrowser: true,
});

export async function suggestTitle(text: string): Promise<string> {
  const completion = await client.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: "Suggest one short, catchy title. Reply with the title only." },
      { role: "user", content: text },
    ],
  });
  return completion.choices[0]?.message?.content?.trim() ?? "";
}

export async function rewrite(text: string, tone: string): Promise<string> {
  const res = await fetch("/api/chat", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      messages: [
        { role: "system", content: `Rewrite the user's text in a ${tone} tone.` },
        { role: "user", content: text },
      ],
    }),
  });
  if (!res.ok) throw new Error(`Rewrite failed: ${res.status}`);
  return res.text();
}
