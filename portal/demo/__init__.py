"""Demo data: the demo parks' information and seal (park), a filled-in plan (plan) and its numbers
(numbers), seeded by `manage.py seed_demo` (only with DEBUG=true or DEMO=true). It sits in portal/,
the top layer, because it fills every app."""

from pathlib import Path

# The seal's and the demo figures' lettering (Debian's fonts-noto-cjk).
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
