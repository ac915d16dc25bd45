"""Workshop mode: a presenter view a facilitator screen-shares, and a page for participants.

Started by ``opsworkbench workshop`` (Voila on ``notebooks/workshop.ipynb``). Nothing here is
imported by the package's top level: a participant's page imports only what it needs.
"""
