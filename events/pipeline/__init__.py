"""The extraction pipeline: load -> clean -> segment -> anchor -> actors -> dates
-> places -> claims -> events, then store (see ``events.store``)."""
