"""Every Slack effect, delivered once: the ledger, its kinds, one skeleton and its workers.

A use case records what Slack should see as a ledger row in its own transaction; the
workers claim due rows with a lease, run the kind's handler and finish, retry or fail the
row. Nothing here knows what an escalation is: handlers are registered from above.
"""
