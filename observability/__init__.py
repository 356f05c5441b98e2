"""Request ids in every log line and in the tasks a request queued, JSON logs in production,
Prometheus metrics (/metrics, bearer token) and the beat's freshness for /healthz."""
