"""One module per command group of the `gymlab` CLI. Each parses its options, calls the
Python API (``envs``, ``agents``, ``experiments``) and prints; no algorithm lives here."""
