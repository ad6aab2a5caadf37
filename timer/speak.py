"""espeak-ng from a wheel: a stand-in for the `espeak-ng` command when only the `speech` extra is installed.

`python -m timer.speak -v VOICE -s WORDS_PER_MINUTE -w OUT.wav` reads one phrase (UTF-8) on stdin and
writes it spoken, as `espeak-ng` would with the same options. The engine and its voice data come from the
`espeakng-loader` wheel (no system package), loaded with ctypes. `timer.voice` runs this in a subprocess,
like the real command: a crash in the C library can only lose that phrase, never the session, and the
render timeout applies.
"""

from __future__ import annotations

import argparse
import ctypes
import sys
import wave
from pathlib import Path
from typing import Any

AUDIO_OUTPUT_SYNCHRONOUS = 2
"""espeak_Initialize: synthesise into our callback, return when done (no audio device, no thread)."""
ESPEAK_RATE = 1
"""espeak_SetParameter: speaking rate in words per minute."""
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
EE_OK = 0

SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


def speak(phrase: str, voice: str, words_per_minute: int, out: Path) -> None:
    """Write `phrase` spoken to `out` (16-bit mono WAV at espeak-ng's own rate); RuntimeError if it fails."""
    import espeakng_loader  # the `speech` extra; imported here so `timer.voice` never loads it itself

    lib = ctypes.CDLL(str(espeakng_loader.get_library_path()))
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetSynthCallback.argtypes = [SynthCallback]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    # The folder that holds `espeak-ng-data`.
    data_home = str(Path(espeakng_loader.get_data_path()).parent).encode()
    rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data_home, 0)
    if rate <= 0:
        raise RuntimeError(f"the espeak-ng library did not start (its data: {data_home.decode()})")
    chunks: list[bytes] = []

    def collect(samples: Any, count: int, events: Any) -> int:
        if samples and count > 0:
            chunks.append(ctypes.string_at(samples, count * 2))
        return 0  # go on

    callback = SynthCallback(collect)  # kept referenced until synthesis ends
    lib.espeak_SetSynthCallback(callback)
    if lib.espeak_SetVoiceByName(voice.encode()) != EE_OK:
        raise RuntimeError(f"espeak-ng has no voice {voice!r}")
    lib.espeak_SetParameter(ESPEAK_RATE, words_per_minute, 0)
    text = phrase.encode("utf-8") + b"\0"
    if lib.espeak_Synth(text, len(text), 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None) != EE_OK:
        raise RuntimeError("espeak-ng could not synthesise the phrase")
    lib.espeak_Synchronize()
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"".join(chunks))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m timer.speak", description=__doc__.splitlines()[0])
    parser.add_argument("-v", dest="voice", default="en")
    parser.add_argument("-s", dest="words_per_minute", type=int, default=175)
    parser.add_argument("-w", dest="out", type=Path, required=True)
    args = parser.parse_args(argv)
    phrase = sys.stdin.buffer.read().decode("utf-8")
    try:
        speak(phrase, args.voice, args.words_per_minute, args.out)
    except (ImportError, OSError, RuntimeError) as error:
        print(f"speech from the wheel failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
