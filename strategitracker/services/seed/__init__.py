"""The Thisted case from the CSV files in `seed/`: reading rows (rows.py), writing them (writer.py), the
demo users (demo_users.py) and the run with its report (loader.py, result.py)."""

from .demo_users import demo_email
from .loader import DEFAULT_SEED_DIR, seed_reference, seed_thisted
from .register import seed_register

__all__ = ["DEFAULT_SEED_DIR", "demo_email", "seed_reference", "seed_register", "seed_thisted"]
