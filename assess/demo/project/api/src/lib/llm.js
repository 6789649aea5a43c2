import OpenAI from "openai";

// One shared client for the whole API; the key stays on the server.
export const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

export const CHAT_MODEL = "gpt-4o";
