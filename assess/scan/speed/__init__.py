"""What makes the pipeline fast without changing what it finds: stored results (cache), worker processes
(parallel) and files parsed only once they are known to matter (deferred)."""
