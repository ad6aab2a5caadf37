"""Keep libasound's C-level error lines off the terminal, where Textual draws its frames.

Without a device, simpleaudio's first play() makes libasound print lines like
"ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default" straight to fd 2, on top of the UI.
`silence_alsa` installs a do-nothing error handler once, before that first call.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any

_alsa_handler: Any = None
"""The no-op error handler, kept for the life of the process: libasound calls it from C at any time."""

alsa_messages_suppressed = 0
"""How many ALSA error lines the handler swallowed (for diagnostics; the lines themselves are dropped)."""


def _ignore_alsa_error(filename: bytes, line: int, function: bytes, err: int, fmt: bytes) -> None:
    # The message would be "ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default" on top of the
    # UI. The failure itself still reaches us as an exception from simpleaudio, which records it.
    global alsa_messages_suppressed
    alsa_messages_suppressed += 1


def silence_alsa() -> bool:
    """Install a do-nothing ALSA error handler (once) so libasound never prints to fd 2.

    Returns False where libasound is missing (macOS, Windows, Linux without ALSA): nothing to silence.
    """
    global _alsa_handler
    if _alsa_handler is not None:
        return True
    try:
        lib = ctypes.CDLL("libasound.so.2")
    except OSError:
        found = ctypes.util.find_library("asound")
        if found is None:
            return False
        try:
            lib = ctypes.CDLL(found)
        except OSError:
            return False
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    handler = handler_type(_ignore_alsa_error)
    lib.snd_lib_error_set_handler.argtypes = [handler_type]
    lib.snd_lib_error_set_handler.restype = ctypes.c_int
    if lib.snd_lib_error_set_handler(handler) != 0:
        return False
    _alsa_handler = handler
    return True
