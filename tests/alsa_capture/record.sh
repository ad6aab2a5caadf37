#!/bin/sh
# ALSA's `file` plugin pipes each opening of the PCM device to a new run of this script (see capture.conf):
# keep one raw file per opening, named by its wall-clock start so a sort gives the playing order.
# The ".part" -> ".raw" rename marks a recording as complete. Lives in a script because `%` in the
# ALSA config string is a format character.
set -eu
name="${CUE_CAPTURE_DIR:?set CUE_CAPTURE_DIR to the folder for recordings}/cue-$(date +%s.%N)-$$"
cat > "$name.part"
mv "$name.part" "$name.raw"
