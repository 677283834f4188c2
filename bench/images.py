"""Benchmark: what a maker's 24-megapixel photo costs, against Pillow alone.

    .venv/bin/python bench/images.py    # or: make bench-images

Draws a 24 MP (6000×4000) camera-like JPEG with an sRGB profile and EXIF. Then, in a
fresh Django process (a scratch SQLite database, tasks in-process as on a laptop, warmed
by one small upload), it measures, in turns so that whatever else the machine is doing
weighs on both alike:

- **Pillow alone**: open, decode and re-encode the file as a JPEG (Pillow's defaults),
  the least any upload that re-encodes a photo could cost;
- **studio upload**: a logged-in maker posts the file to the studio's "Add photos" form
  (Django's test client), the clean original and every rendition included;

and then the same upload split into the web request alone and the task alone.

Time is CPU time, the least of ROUNDS turns: other work on a shared machine disturbs it
far less than wall time (shown too). Peak memory is the process's high-water mark (VmHWM,
reset before each step) above its resident size just before the step. The issue's goal:
the upload costs at most 2× Pillow alone, and under 200 MB above a bare Django.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# On a shared machine the least of several runs is the truest cost of each side.
ROUNDS = 5


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def _reset_peak() -> None:
    # Writing 5 to clear_refs resets VmHWM to the current resident size (Linux ≥ 4.0).
    Path("/proc/self/clear_refs").write_text("5")


def _measure(step) -> tuple[float, float, float]:
    """(CPU seconds, wall seconds, MB of peak memory above the resident size before)."""
    before = _rss_kb("VmRSS")
    _reset_peak()
    cpu, wall = time.process_time(), time.perf_counter()
    step()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu, wall, (_rss_kb("VmHWM") - before) / 1024


def _summary(runs: list[tuple[float, float, float]]) -> dict:
    return {
        "cpu": min(r[0] for r in runs),
        "wall": min(r[1] for r in runs),
        "peak_mb": max(r[2] for r in runs),
    }


# --- The photo -----------------------------------------------------------------------------------


def draw_photo(path: Path, size=(6000, 4000)) -> None:
    """Smooth light, edges and sensor grain, like a product shot: about 9 MB at quality 92."""
    from PIL import Image, ImageCms, ImageDraw

    width, height = size
    grain = Image.effect_noise(size, 30).convert("L")
    light = Image.linear_gradient("L").resize(size)
    base = Image.merge(
        "RGB",
        (
            Image.blend(light, grain, 0.35),
            Image.blend(light.transpose(Image.Transpose.ROTATE_180), grain, 0.3),
            Image.blend(light.transpose(Image.Transpose.FLIP_LEFT_RIGHT), grain, 0.25),
        ),
    )
    draw = ImageDraw.Draw(base)
    for n in range(60):
        x, y = (n * 977) % width, (n * 613) % height
        draw.ellipse((x, y, x + 400, y + 300), outline=(200, 160, 90), width=12)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "BenchCam", "B-24", 1
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    base.save(path, "JPEG", quality=92, exif=exif, icc_profile=srgb)


# --- The two measurements, each run in its own process ---------------------------------------------


def _pillow_alone(path: str):
    from PIL import Image

    def step():
        with Image.open(path) as image:
            image.load()
            image.save(io.BytesIO(), "JPEG")

    return step


def studio_upload(path: str) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix="atelier-bench-images-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "shop.settings",
            "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(scratch / "media"),
            "PRIVATE_MEDIA_ROOT": str(scratch / "private"),
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": "memory:",
        }
    )
    os.environ.pop("REDIS_URL", None)  # tasks in-process, after the request's commit
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from PIL import Image

    from makers.models import Maker, Piece, PiecePhoto
    from shop.accounts.models import User
    from shop.images import pipeline

    call_command("migrate", verbosity=0)
    user = User.objects.create_user(email="bench@example.test", password=None)
    maker = Maker.objects.create(user=user, slug="bench", display_name="Bench", craft="Potter")
    piece = Piece.objects.create(maker=maker, title="Bowl", slug="bowl", base_price_cents=5000)
    client = Client()
    client.force_login(user)
    url = f"/studio/pieces/{piece.slug}/photos/"
    data = Path(path).read_bytes()

    def upload(content: bytes, name: str = "photo.jpg") -> None:
        file = SimpleUploadedFile(name, content, content_type="image/jpeg")
        response = client.post(url, {"photos": file, "alt_text": "A bowl"})
        assert response.status_code == 302, response.content[:500]

    small = io.BytesIO()
    Image.new("RGB", (800, 600), (160, 82, 45)).save(small, "JPEG")
    upload(small.getvalue(), "warm.jpg")  # imports, templates, first queries
    bare = _rss_kb("VmRSS") / 1024

    alone = _pillow_alone(path)
    alone()
    turns = [(_measure(alone), _measure(lambda: upload(data))) for _ in range(ROUNDS)]
    pillow = _summary([plain for plain, _ in turns])
    whole = _summary([studio for _, studio in turns])
    photo = PiecePhoto.objects.order_by("-pk").first()
    assert photo.renditions_ready_at and photo.renditions["display"]["width"] == 1600

    # The same upload with the task held back, then the task alone.
    real_queue = pipeline.queue_renditions
    queued = []
    pipeline.queue_renditions = queued.append
    import makers.services

    makers.services.queue_renditions = queued.append
    request_only = _measure(lambda: upload(data))
    makers.services.queue_renditions = pipeline.queue_renditions = real_queue
    held = PiecePhoto.objects.get(pk=queued[-1].pk)
    task_only = _measure(lambda: pipeline.render_renditions(held))
    return {
        **whole,
        "pillow": pillow,
        "request": request_only,
        "task": task_only,
        "bare_django_mb": bare,
    }


def _in_fresh_process(path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "measure", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        raise SystemExit(f"the measurement failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="atelier-bench-photo-"))
    path = folder / "camera-24mp.jpg"
    draw_photo(path)
    print(f"photo: 6000×4000 JPEG, {path.stat().st_size / 1e6:.1f} MB, sRGB profile, EXIF")
    studio = _in_fresh_process(path)
    alone = studio["pillow"]
    ratio = studio["cpu"] / alone["cpu"]
    print(
        f"Pillow alone (decode + re-encode): {alone['cpu']:.2f} s CPU "
        f"({alone['wall']:.2f} s wall), +{alone['peak_mb']:.0f} MB"
    )
    print(
        f"studio upload, renditions included: {studio['cpu']:.2f} s CPU "
        f"({studio['wall']:.2f} s wall), +{studio['peak_mb']:.0f} MB above a bare Django "
        f"({studio['bare_django_mb']:.0f} MB)"
    )
    request, task = studio["request"], studio["task"]
    print(
        f"  of which the web request: {request[0]:.2f} s CPU, +{request[2]:.0f} MB; "
        f"the task: {task[0]:.2f} s CPU, +{task[2]:.0f} MB"
    )
    goal = "met" if ratio <= 2 and studio["peak_mb"] < 200 else "NOT met"
    print(f"ratio: ×{ratio:.2f} Pillow alone, in CPU time (goal ≤ ×2 and < 200 MB: {goal})")


if __name__ == "__main__":
    if sys.argv[1:2] == ["measure"]:
        print(json.dumps(studio_upload(sys.argv[2])))
    else:
        main()
