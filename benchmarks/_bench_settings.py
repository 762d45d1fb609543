"""Settings for the web benchmark's server: peerlearn's own, plus one baseline page.

The baseline (the signed-in empty layout) lives here, not in the product: the benchmark
adds it by pointing DJANGO_SETTINGS_MODULE at this module (benchmarks/ on PYTHONPATH).
"""

from peerlearn.config.settings import *  # noqa: F403

ROOT_URLCONF = "_bench_urls"
