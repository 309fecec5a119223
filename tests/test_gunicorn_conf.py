"""gunicorn.conf.py: each worker freezes what it loaded and collects young objects less often."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_worker_freezes_start_up_objects_and_raises_the_threshold():
    settings = runpy.run_path(str(CONF))
    before = gc.get_threshold()
    try:
        gc.unfreeze()
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 10_000  # what is loaded is out of the collector's reach
        assert gc.get_threshold() == settings["GC_THRESHOLD"]
        assert settings["GC_THRESHOLD"][0] > before[0]
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
