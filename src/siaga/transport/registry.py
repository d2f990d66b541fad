"""Who wants to hear that a marine forecast changed. Apps above transport (custody: escort holds) register a
listener in their AppConfig.ready(); transport calls them after the forecast is committed, never importing them."""

from django.db import transaction

_listeners = []


def register_forecast_listener(fn):
    if fn not in _listeners:
        _listeners.append(fn)


def forecast_changed(days, *, actor):
    def fire():
        for fn in list(_listeners):
            fn(days=days, actor=actor)

    transaction.on_commit(fire)
