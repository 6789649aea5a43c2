"""Stage 1, the files: which files to read (discover, select), what each is (languages, roles), the project's
manifests (facts) and which file an import names (modules)."""
