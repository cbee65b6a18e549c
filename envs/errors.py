"""The one exception type that means "the user gave gymlab something it cannot use".

Every layer (envs, agents, experiments) raises :class:`GymlabError` with a one-line
message that says what is wrong and how to fix it. The CLI turns it into a line on
stderr and exit code 2; Python users catch it like any ``ValueError``.
"""


class GymlabError(ValueError):
    """Bad input: a one-line message saying what is wrong and how to fix it."""
