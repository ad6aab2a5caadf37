"""Real-playback test helpers and the scripts the tests run in a subprocess (see support.py)."""
