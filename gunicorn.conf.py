"""gunicorn settings, read from the project folder: `gunicorn 'strategitracker:create_app()'`.

Each worker moves what it built while loading the app (modules, templates, locale data: some 150,000
objects) out of the garbage collector's reach once it is ready. Otherwise every full collection walks all
of them again: about 40 ms, a pause that lands on whichever request triggered it. Collections of
young objects are also made rarer, since a chart page allocates tens of thousands of short-lived ones.
"""

import gc

GC_THRESHOLD = (50_000, 20, 100)


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
