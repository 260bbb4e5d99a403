from .scope import CAPABILITY_LABELS


def capabilities(request):
    """`can.change_structure` etc. in every template, from the one scope mechanism."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "scope"):
        return {"can": {}}
    return {"can": {cap: request.scope.can(cap) for cap in CAPABILITY_LABELS}}
