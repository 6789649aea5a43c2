import { Router } from "express";
import rateLimit from "express-rate-limit";
import pRetry from "p-retry";
import { openai } from "../lib/llm.js";

const router = Router();
// 30 requests a minute per IP address.
const titleLimiter = rateLimit({ windowMs: 60_000, limit: 30 });

router.post("/title", titleLimiter, async (req, res, next) => {
  try {
    const completion = await pRetry(
      () =>
        openai.chat.completions.create({
          model: "gpt-4o-mini",
          messages: [
            { role: "system", content: "Suggest one short title. Reply with the title only." },
            { role: "user", content: String(req.body?.text ?? "") },
          ],
          max_tokens: 30,
        }),
      { retries: 5 },
    );
    console.log("title usage", completion.usage);
    res.json({ title: completion.choices[0]?.message?.content?.trim() ?? "" });
  } catch (err) {
    next(err);
  }
});

// The "writing tip of the day" shown on the home page.
router.get("/tip", async (_req, res, next) => {
  try {
    const completion = await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Give one short, practical writing tip." }],
      max_tokens: 80,
    });
    res.json({ tip: completion.choices[0]?.message?.content ?? "" });
  } catch (err) {
    next(err);
  }
});

export default router;
