import { useState } from "react";
import { rewrite, suggestTitle } from "../lib/openai";

const TONES = ["friendly", "formal", "concise"];

export default function Rewrite() {
  const [text, setText] = useState("");
  const [tone, setTone] = useState(TONES[0]);
  const [title, setTitle] = useState("");
  const [output, setOutput] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="rewrite">
      <textarea value={text} onChange={(e) => setText(e.target.value)} rows={10} />
      <select value={tone} onChange={(e) => setTone(e.target.value)}>
        {TONES.map((t) => (
          <option key={t}>{t}</option>
        ))}
      </select>
      <button disabled={busy || !text} onClick={() => run(async () => setTitle(await suggestTitle(text)))}>
        Suggest title
      </button>
      <button disabled={busy || !text} onClick={() => run(async () => setOutput(await rewrite(text, tone)))}>
        Rewrite
      </button>
      {error && <p className="error">{error}</p>}
      {title && <h2>{title}</h2>}
      {output && <article>{output}</article>}
    </section>
  );
}
