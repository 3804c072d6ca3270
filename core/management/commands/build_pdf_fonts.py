import time

from django.core.management.base import BaseCommand

from core.fonts import build_fonts, font_dir


class Command(BaseCommand):
    help = (
        "Cut the PDF's print fonts out of the installed Noto CJK fonts into PDF_FONT_DIR "
        "(core.fonts); fonts already built from the same source are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help="fonts built at a time")

    def handle(self, *args, workers, **options):
        start = time.monotonic()
        result = build_fonts(font_dir(), workers=workers)
        for name, size in sorted(result["built"].items()):
            self.stdout.write(f"built {name} ({size / 2**20:.1f} MiB)")
        if result["kept"]:
            self.stdout.write(f"up to date: {', '.join(result['kept'])}")
        if result["missing"]:
            self.stderr.write(
                self.style.WARNING(
                    "Not installed, the PDF uses the system fonts for these: "
                    + ", ".join(result["missing"])
                    + " (Debian: apt-get install fonts-noto-cjk)"
                )
            )
        self.stdout.write(f"{font_dir()} in {time.monotonic() - start:.1f} s")
