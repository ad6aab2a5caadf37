"""circuit-timer: a terminal interval timer for runners' strength-endurance circuits."""

__version__ = "0.1.0"
