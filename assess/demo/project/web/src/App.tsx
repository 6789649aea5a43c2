import Rewrite from "./components/Rewrite";

export default function App() {
  return (
    <main className="app">
      <header>
        <h1>Quillmate</h1>
        <p>Your friendly AI writing assistant.</p>
      </header>
      <Rewrite />
    </main>
  );
}
