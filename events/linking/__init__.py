"""Event resolution: which claims describe one incident (see DESIGN.md, stage 11 "link").

- :mod:`events.linking.summary` keeps each event's fields and counts true to its claims.
"""
