"""Signals about the TPS registry that apps on one floor send to each other through the floor below.

``tps_revote_declared``: a TPS goes to re-voting (PSU, PSL or PSS). Sent by operations inside the declaring
transaction, with ``actor``, ``revote`` (its id), ``tps``, ``election``, ``kind``, ``round`` and ``on_date``; custody
answers with the new ballots' items. A receiver that fails rolls the declaration back.
"""

from django.dispatch import Signal

tps_revote_declared = Signal()
