"""The sandbox: the real bot against an in-process Slack workspace, played in a browser."""
