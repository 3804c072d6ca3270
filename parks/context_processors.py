from parks.roles import effective_role, level_of, perms_of


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "portal_perms": {str(p) for p in perms_of(user)},
        "portal_level": str(level_of(user)),
        "portal_role": effective_role(user),
    }
