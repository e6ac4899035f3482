"""The director's screen (экран руководителя): panels of figures over the user's scope, each a link to its records.

The scope is where the user holds `dashboard.view` (a regional director: the region; a centre
director: the centre and its branches; the federal coordinator and admins: everything), which a
user seeing several regions may narrow to one region (`?region=<id>`). Every panel also keeps to
the permission of the records it counts, so a figure never includes a record its reader could not open.

Adding a panel is three steps:

1. a function here, `build_<key>(user, scope, on) -> data`, that reads what the panel shows
   (in a few queries whatever the data size: `scope.clause(Model)` limits a query to the scope,
   `scope.cached(...)` shares a load between panels);
2. a template `app/templates/dashboard/_panel_<key>.html` that shows `data` (named `data`
   there), links every figure to the records behind it and says what an empty panel means;
3. one line in `PANELS`.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from app.extensions import db
from app.models.org import Centre, Region, User
from app.models.roadmap import Roadmap, RoadmapItem
from app.models.tasks import Task
from app.services import policy, roadmap, tasks

NEXT_DAYS = 14  # «ближайшие сроки»: items due from today to today + 14 days
NEXT_SHOWN = 5  # of them, shown per roadmap; the rest are counted and on the roadmap's page
SLIP_SHOWN = 20  # items late against the baseline shown; the rest are counted
RAG_ORDER = {"red": 0, "amber": 1, "green": 2}


class NotInScope(LookupError):
    """The region asked for is not one the user may look at."""


# ---- scope ----------------------------------------------------------------------------------


@dataclass
class DashboardScope:
    """What the screen covers: where `user` holds `dashboard.view`, or one region of it."""

    user: Any
    region: Region | None = None  # the region chosen with ?region=
    label: str = ""
    _cache: dict = field(default_factory=dict, repr=False)

    def clause(self, model):
        """A WHERE clause keeping `model` rows (region_id, centre_id) inside the scope; None for everything."""
        if self.region is not None:
            return policy.region_filter(model, self.region.id)
        return policy.scope_filter(model, self.user, "dashboard.view")

    def narrow(self, stmt, model):
        clause = self.clause(model)
        return stmt if clause is None else stmt.where(clause)

    @property
    def link_args(self) -> dict:
        """Query parameters that carry the chosen region into the lists a figure links to."""
        return {"region": self.region.id} if self.region is not None else {}

    def cached(self, key: str, load: Callable[[], Any]):
        """One load per request shared by the panels that need it."""
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]


def regions_to_choose(user) -> list[Region]:
    """The regions the user may narrow the screen to (every region for a federal view)."""
    stmt = policy.scoped(select(Region), Region, user, "dashboard.view").order_by(Region.name)
    return list(db.session.scalars(stmt))


def scope_for(user, region_id: int | None = None, regions: list[Region] | None = None) -> DashboardScope:
    """The user's screen scope, narrowed to `region_id` if given; `NotInScope` for a region they may not see."""
    if region_id is not None:
        regions = regions_to_choose(user) if regions is None else regions
        region = next((r for r in regions if r.id == region_id), None)
        if region is None:
            raise NotInScope(region_id)
        return DashboardScope(user, region, region.name)
    return DashboardScope(user, None, _label(policy.visibility(user, "dashboard.view")))


def _label(vis: policy.Visibility) -> str:
    """«Нижегородская область», «ЦЗН Канавинский с филиалами», «все регионы»."""
    if vis.everything:
        return "все регионы"
    names = []
    if vis.region_ids:
        names += db.session.scalars(select(Region.name).where(Region.id.in_(vis.region_ids)).order_by(Region.name))
    direct = vis.centre_ids
    if direct:
        stmt = select(Centre.id, Centre.name, Centre.parent_id).where(Centre.id.in_(direct))
        if vis.region_ids:  # a region's centres are named by the region
            stmt = stmt.where(Centre.region_id.not_in(vis.region_ids))
        centres = db.session.execute(stmt.order_by(Centre.name)).all()
        parents = {c.parent_id for c in centres}
        for c in centres:
            if c.parent_id not in direct:  # a branch goes with its centre
                names.append(f"{c.name} с филиалами" if c.id in parents else c.name)
    return ", ".join(names)


# ---- shared loads -----------------------------------------------------------------------------


def _roadmaps(user, scope: DashboardScope) -> list[Roadmap]:
    """Roadmaps in the scope the user may view, by title."""

    def load():
        stmt = policy.scoped(select(Roadmap), Roadmap, user, "roadmap.view")
        stmt = scope.narrow(stmt, Roadmap).options(joinedload(Roadmap.region), joinedload(Roadmap.centre))
        return list(db.session.scalars(stmt.order_by(Roadmap.title, Roadmap.id)))

    return scope.cached("roadmaps", load)


def _items(user, scope: DashboardScope) -> dict[int, list[RoadmapItem]]:
    """Items of those roadmaps by roadmap id, in roadmap order: one query with their roadmap and block."""

    def load():
        # the same roadmaps as `_roadmaps`, joined rather than listed by id
        stmt = policy.scoped(select(RoadmapItem).join(RoadmapItem.roadmap), Roadmap, user, "roadmap.view")
        stmt = (
            scope.narrow(stmt, Roadmap)
            .options(contains_eager(RoadmapItem.roadmap), joinedload(RoadmapItem.block))
            .order_by(RoadmapItem.roadmap_id, RoadmapItem.position, RoadmapItem.id)
        )
        by_roadmap = defaultdict(list)
        for item in db.session.scalars(stmt).unique():
            by_roadmap[item.roadmap_id].append(item)
        return dict(by_roadmap)

    return scope.cached("items", load)


def has_fact(item: RoadmapItem) -> bool:
    """Done (a date) or declared not done (a reason)."""
    return item.done_on is not None or bool(item.not_done_reason)


# ---- panel: roadmaps ------------------------------------------------------------------------


@dataclass
class RoadmapRow:
    roadmap: Roadmap
    progress: roadmap.Progress
    next_items: list[RoadmapItem]  # the nearest NEXT_SHOWN of them
    next_total: int


def next_deadlines(items, on: date, days: int = NEXT_DAYS) -> list[RoadmapItem]:
    """Items without a fact due from `on` to `on + days`, nearest first."""
    until = on + timedelta(days=days)
    due = [i for i in items if not has_fact(i) and i.due_on is not None and on <= i.due_on <= until]
    return sorted(due, key=lambda i: (i.due_on, i.position, i.id))


def build_roadmaps(user, scope: DashboardScope, on: date) -> list[RoadmapRow]:
    """Each roadmap with its red / amber / green on `on` and its next deadlines; red ones first."""
    items = _items(user, scope)
    rows = []
    for entry in _roadmaps(user, scope):
        own = items.get(entry.id, [])
        upcoming = next_deadlines(own, on)
        rows.append(RoadmapRow(entry, roadmap.progress(own, on), upcoming[:NEXT_SHOWN], len(upcoming)))
    rows.sort(key=lambda row: RAG_ORDER[row.progress.rag])  # stable: by title within a colour
    return rows


# ---- panel: overdue tasks by responsible person ---------------------------------------------


@dataclass
class PersonRow:
    user_id: int | None
    user: User | None
    count: int


@dataclass
class OverdueTasks:
    rows: list[PersonRow]
    total: int
    linked: bool  # the user has the team view the figures link to


def overdue_tasks(user, scope: DashboardScope):
    """Open tasks past their deadline, group parents aside, as the team view lists them with «Только просроченные».

    The team view's scope (`task.manage`) narrowed to the chosen region as the view's own
    region filter does, so each figure equals the list it links to. A user without the team
    view (the federal coordinator) counts the tasks they may view in the screen's scope.
    """
    if policy.can(user, "task.manage"):
        region_id = scope.region.id if scope.region is not None else None
        return tasks.filtered(tasks.team(user), status="open", overdue=True, region_id=region_id)
    stmt = scope.narrow(policy.scoped(select(Task), Task, user, "task.view"), Task)
    return tasks.filtered(stmt, status="open", overdue=True)


def build_overdue_tasks(user, scope: DashboardScope, on: date) -> OverdueTasks:
    """Overdue tasks counted per responsible person, most first (the deadline is today's, as in the task lists)."""
    count = func.count(Task.id)
    grouped = (
        overdue_tasks(user, scope)
        .with_only_columns(Task.responsible_id, count)
        .group_by(Task.responsible_id)
        .order_by(count.desc())
    )
    counts = db.session.execute(grouped).all()
    ids = [user_id for user_id, _ in counts if user_id is not None]
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    rows = [PersonRow(user_id, people.get(user_id), n) for user_id, n in counts]
    rows.sort(key=lambda r: (-r.count, r.user is None, r.user.full_name.lower() if r.user else ""))
    return OverdueTasks(rows, sum(r.count for r in rows), policy.can(user, "task.manage"))


# ---- panel: late against the baseline -------------------------------------------------------


@dataclass
class SlipRow:
    item: RoadmapItem
    days: int


@dataclass
class BaselineSlip:
    rows: list[SlipRow]  # the SLIP_SHOWN latest
    total: int


def build_baseline_slip(user, scope: DashboardScope, on: date) -> BaselineSlip:
    """Items of approved roadmaps late against the baseline frozen at approval, most days first."""
    slipped = []
    for entry in _roadmaps(user, scope):
        if not entry.is_approved:
            continue
        for item in _items(user, scope).get(entry.id, []):
            days = roadmap.baseline_slip(item, on)
            if days > 0:
                slipped.append(SlipRow(item, days))
    slipped.sort(key=lambda row: -row.days)  # stable: roadmap title, then item order
    return BaselineSlip(slipped[:SLIP_SHOWN], len(slipped))


# ---- panel: the client-centricity index -----------------------------------------------------


def build_index(user, scope: DashboardScope, on: date):
    """The index level of the screen's scope over the last quarters with its change and the weakest
    indicators (a version without an index, the pilot: indicator values only); see `results.index_panel`."""
    from app.services import results

    return results.index_panel(user, scope.region, on)


# ---- the registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """One panel of the screen: `build(user, scope, on)` reads its data, `template` shows it."""

    key: str
    title: str
    build: Callable[[Any, DashboardScope, date], Any]
    permission: str | None = None  # shown only to holders (besides `dashboard.view`)

    @property
    def template(self) -> str:
        return f"dashboard/_panel_{self.key}.html"

    def visible_to(self, user) -> bool:
        return self.permission is None or policy.can(user, self.permission)


PANELS: list[Panel] = [
    Panel("roadmaps", "Дорожные карты", build_roadmaps, "roadmap.view"),
    Panel("overdue_tasks", "Просроченные поручения по ответственным", build_overdue_tasks, "task.view"),
    Panel("baseline_slip", "Отставание от базового плана", build_baseline_slip, "roadmap.view"),
    Panel("index", "Индекс клиентоцентричности", build_index, "results.view"),
]


def panels(user, scope: DashboardScope, on: date) -> list[tuple[Panel, Any]]:
    """The panels the user may see, each with its data."""
    return [(panel, panel.build(user, scope, on)) for panel in PANELS if panel.visible_to(user)]
