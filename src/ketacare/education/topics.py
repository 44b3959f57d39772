"""The patient education pages: what each is called, what it answers, and what it cites.

The words are in the templates (education/topic_<slug>.html); the sources listed under each
page come from here, so a page cannot cite a key without the reader seeing the source."""

from __future__ import annotations

from dataclasses import dataclass

from ketacare.education.sources import Source, cited


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    question: str
    sources: tuple[str, ...]

    @property
    def template(self) -> str:
        return f"education/topic_{self.slug.replace('-', '_')}.html"

    def cited(self) -> list[Source]:
        return cited(self.sources)


TOPICS = (
    Topic("how-ketamine-works", "How ketamine works",
          "What ketamine does in the brain, why relief can come within hours, and why it fades.",
          ("P13", "P27", "P28", "K1", "K6", "K7", "S3", "S4")),
    Topic("what-a-session-feels-like", "What a session feels like",
          "What happens before, during and after a dosing session at the clinic.",
          ("K1", "K7", "S1", "S3", "S4", "S5")),
    Topic("side-effects", "Side effects",
          "What is common, what is rare, and when to call for help.",
          ("S1", "S5", "S13", "N4")),
    Topic("safety-at-home", "Safety at home",
          "For at-home programmes: the sitter, the blood-pressure check, and what not to do.",
          ("H1", "H9", "H11", "K7", "S1", "S13", "N4")),
    Topic("what-the-scales-mean", "What the questionnaires mean",
          "What your scores measure, what the ranges mean, and what the team looks for.",
          ("Q1", "Q3", "Q4", "Q5", "Q9", "T4")),
)  # fmt: skip

BY_SLUG = {topic.slug: topic for topic in TOPICS}
