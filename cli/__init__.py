"""The ``events`` command line: a thin Click layer over the ``events`` library."""
