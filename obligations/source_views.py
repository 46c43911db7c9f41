"""Pages of the legal sources that also show what they oblige: a party with its tasks, a regulation with
its obligations, and the search across sources and obligations. They live here, above the sources, so
that regulations/ never reads obligations."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from regulations import selectors as sources

from .reorganisations import can_reorganise, reorganisations_visible_to
from .selectors import obligations_visible_to, tasks_visible_to


@require_GET
def party_detail(request, pk):
    party = sources.get_party_for_user(request.user, pk)
    visible = sources.parties_visible_to(request.user).order_by("path")
    scope = sources.user_scope(request.user)
    tasks = tasks_visible_to(request.user).filter(party=party).with_related().with_status()[:20]
    return render(
        request,
        "obligations/party_detail.html",
        {
            "party": party,
            # The two relations, apart: the bodies on its territory, and those under it by organisation.
            "on_territory": visible.filter(parent=party),
            "subordinates": visible.filter(superior=party),
            "predecessors": visible.filter(successor=party),
            "former_names": party.former_names.all(),
            "territory_link": party.parent if scope.covers(party.parent) else None,
            "superior_link": scope.covers(party.superior),
            "successor_link": scope.covers(party.successor),
            "tasks": tasks,
            "reorganisations": reorganisations_visible_to(request.user).filter(parties=party).order_by("-effective_on"),
            "can_reorganise": can_reorganise(request.user) and sources.can_edit_sources(request.user, party),
        },
    )


@require_GET
def regulation_detail(request, pk):
    regulation = sources.get_regulation_for_user(request.user, pk)
    return render(
        request,
        "obligations/regulation_detail.html",
        {
            "regulation": regulation,
            "signatories": regulation.signatories.order_by("path"),
            "replaced_by": sources.regulations_visible_to(request.user).filter(replaces=regulation),
            "documents": sources.documents_visible_to(request.user).filter(regulations=regulation),
            "obligations": obligations_visible_to(request.user).filter(source_regulation=regulation),
            "can_edit": sources.can_edit_sources(request.user, regulation.issuer),
            "trail": sources.source_trail(regulation),
        },
    )


SEARCH_LIMIT = 20


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()
    found: list[tuple[str, list]] = []
    if query:
        user = request.user
        groups = [
            ("regulations", sources.search_filter(sources.regulations_visible_to(user), query)),
            ("documents", sources.search_filter(sources.documents_visible_to(user), query)),
            ("meetings", sources.search_filter(sources.meetings_visible_to(user), query)),
            ("obligations", sources.search_filter(obligations_visible_to(user), query)),
            ("parties", sources.search_filter(sources.parties_visible_to(user), query)),
        ]
        found = [(name, list(qs[:SEARCH_LIMIT])) for name, qs in groups]
    return render(
        request,
        "obligations/search.html",
        {
            "query": query,
            "groups": found,
            "total": sum(len(rows) for _name, rows in found),
        },
    )
