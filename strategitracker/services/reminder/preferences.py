"""Each user's reminder setting: daily, weekly (the default) or off."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import ReminderFrequency, ReminderPreference, User
from .. import FieldError

DEFAULT_FREQUENCY = ReminderFrequency.WEEKLY


def frequency_of(user: User) -> str:
    preference = db.session.scalar(sa.select(ReminderPreference).where(ReminderPreference.user_id == user.id))
    return preference.frequency if preference else DEFAULT_FREQUENCY.value


def frequencies_of(user_ids: list[int]) -> dict[int, str]:
    """The setting of each user in `user_ids` (the default for those without one), in one query."""
    rows = db.session.execute(
        sa.select(ReminderPreference.user_id, ReminderPreference.frequency).where(
            ReminderPreference.user_id.in_(user_ids)
        )
    )
    chosen = dict(rows.all())
    return {user_id: chosen.get(user_id, DEFAULT_FREQUENCY.value) for user_id in user_ids}


def set_frequency(user: User, frequency: str) -> None:
    if frequency not in tuple(ReminderFrequency):
        raise FieldError(_("Choose daily, weekly or off."), "frequency")
    preference = db.session.scalar(sa.select(ReminderPreference).where(ReminderPreference.user_id == user.id))
    if preference is None:
        preference = ReminderPreference(user_id=user.id)
        db.session.add(preference)
    preference.frequency = frequency
    db.session.flush()


def digest_period(frequency: str, today: date) -> str | None:
    """The period a digest covers, as part of its key: the day or the ISO week; None when off."""
    if frequency == ReminderFrequency.DAILY:
        return today.isoformat()
    if frequency == ReminderFrequency.WEEKLY:
        year, week, _weekday = today.isocalendar()
        return f"{year}-W{week:02d}"
    return None
