import OpenAI from "openai";

// One shared client for the whole API; the key stays on the server.
// Retries bumped after a week of 429s during the launch.
export const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, maxRetries: 8 });

export const CHAT_MODEL = "gpt-4o";
