"""The demo patients treated on the clinic's other routes (invented): with the IV patients of
the demo history, every route the clinic offers has an induction under way and a course moved
to maintenance (issue 10, item 11). The history writes their scores and in-clinic sessions,
the REMS demo their esketamine paperwork, the plan demo (or the at-home demo) their plans."""

from __future__ import annotations

from dataclasses import dataclass

from ketacare.clinical import protocols
from ketacare.clinical.routes import Route


@dataclass(frozen=True)
class DemoCourse:
    template: str
    days_ago: int
    """The first dosing session, before the demo's "now"."""
    given: int | None = None
    """Sessions given so far of an induction under way; None: all of them, then maintenance."""
    symptoms: str = "response"
    """The shape of the scale scores (demo_history.COURSES)."""

    @property
    def route(self) -> Route:
        return protocols.TEMPLATES[self.template].route


# The eleventh patient on (a demo of ten or fewer keeps its older stories unchanged). The
# esketamine course ends two weeks before its maintenance session, within the label's weekly
# or every-2-weeks spacing (S3); the at-home course in three (weekly to monthly, H3).
ROUTE_COURSES = {
    "RKC-0011": DemoCourse("im-induction", days_ago=10, given=3, symptoms="remission"),
    "RKC-0012": DemoCourse("im-induction", days_ago=84),
    "RKC-0013": DemoCourse("esketamine-trd", days_ago=56, symptoms="remission"),
    "RKC-0014": DemoCourse("at-home-odt", days_ago=49),
}
