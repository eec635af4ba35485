"""smartcabin as a service: the composition root (cockpit.py), request limits (limits.py) and
the HTTP / WebSocket adapter over them (app.py)."""
