"""Who else has a section open: a light signal, not a lock. Each open editor says "I am here"
every PRESENCE_BEAT seconds; a beat older than PRESENCE_SECONDS is gone. Beats live in the
shared cache (Redis in production), so every web host sees every editor; losing one (two beats
at once, the cache restarting) only hides a name until the next beat.
"""

import time

from django.core.cache import cache

PRESENCE_BEAT = 20
PRESENCE_SECONDS = 50


def _key(plan_id: int, section_key: str) -> str:
    return f"presence:{plan_id}:{section_key}"


def presence_beat(*, plan, section_key: str, user) -> list[str]:
    """Record that `user` has the section open now; the names of the others who have it open."""
    now = time.time()
    key = _key(plan.pk, section_key)
    here = {
        uid: (name, at)
        for uid, (name, at) in (cache.get(key) or {}).items()
        if now - at < PRESENCE_SECONDS
    }
    here[user.pk] = (user.display_name, now)
    cache.set(key, here, PRESENCE_SECONDS)
    return sorted(name for uid, (name, _at) in here.items() if uid != user.pk)
