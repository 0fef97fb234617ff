"""For operators: what /healthz reports, `escalation-bot check`, and the log format."""
