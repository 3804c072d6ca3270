"""A function replaced for a test by one that records each call and calls through."""


def calls_of(monkeypatch, owner, name: str, record=lambda *args: args) -> list:
    """Replace `owner.name` (a module's function or a class's method) for the test by a wrapper
    that appends `record(*args)` of each call to the list returned, then calls the original."""
    calls = []
    original = getattr(owner, name)

    def recorded(*args, **kwargs):
        calls.append(record(*args))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, recorded)
    return calls
