"""Stage 3, the whole project: the facts of every file indexed (project_index), LLM call sites resolved
(callsites), and the project checks judged on them (project_checks, judges/)."""
