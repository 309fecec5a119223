"""Factories for workshop rows (used by the workshop tests and the authorization matrix)."""

import itertools
from datetime import date

from strategitracker.extensions import db
from strategitracker.models import Organisation, Workshop, WorkshopCard, WorkshopParticipant, WorkshopVote
from strategitracker.services import workshop as service

_seq = itertools.count(1)


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def workshop(org: Organisation, **kw) -> Workshop:
    kw.setdefault("title", f"Værksted {next(_seq)}")
    kw.setdefault("held_on", date(2025, 3, 1))
    kw.setdefault("layout", "swot")
    kw.setdefault("columns", service.layout_columns(kw["layout"], kw.pop("free_columns", None)))
    kw.setdefault("join_token", service.new_token())
    return _add(Workshop(organisation_id=org.id, **kw))


def participant(workshop: Workshop, user=None, **kw) -> WorkshopParticipant:
    kw.setdefault("display_name", user.name if user else f"Gæst {next(_seq)}")
    return _add(WorkshopParticipant(workshop_id=workshop.id, user_id=user.id if user else None, **kw))


def card(workshop: Workshop, author: WorkshopParticipant | None = None, **kw) -> WorkshopCard:
    kw.setdefault("column_key", workshop.columns[0]["key"])
    kw.setdefault("text", f"Idé {next(_seq)}")
    return _add(WorkshopCard(workshop_id=workshop.id, author_id=author.id if author else None, **kw))


def vote(card: WorkshopCard, participant: WorkshopParticipant, dots: int = 1) -> WorkshopVote:
    return _add(WorkshopVote(card_id=card.id, participant_id=participant.id, dots=dots))
