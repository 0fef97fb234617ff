"""Benchmarks for issue 9: how the bot compares with a bare Bolt app on this machine.

    python -m bench [--quick]            every measure, one table
    python -m bench.ack [--quick]        one measure (also tick, delivery, memory, startup)

Each measure is bounded in count and time, stops by itself, prints figures and never asserts.
"""
