"""The results contract: what a framework's notebook records and what the summary and index read.

figures
    :func:`~review.results.figures.record` (a notebook's headline figures, carried in its
    output), their JSON form, and :func:`~review.results.figures.load_cycle_results`.
judgements
    Each framework's red/amber/green counts and items needing action, read from its results.
summary
    The cycle summary: every framework's judgements combined, honestly incomplete.
history
    Earlier runs' results read back as each item's series over the last quarters (the trends).
key_messages
    The position, strengths, priorities and escalations that open the summary and the index.
learning
    What a page's "what the audits tell us" section may show of an audit-learning result.

The package lies above the analyses (it records their results) and below the views (which
record what they show through it).
"""
