"""Voice: wake word, voice activity, recognition, synthesis and the loop that joins them to the
assistant's turns, offline (the `voice` extra installs the engines)."""


class EngineMissing(RuntimeError):
    """A configured engine or model is not installed: the message says what to install."""
