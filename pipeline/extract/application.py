"""All facts of one application from its pages: the extractors of this package put together."""
from __future__ import annotations

from typing import Sequence

from pipeline.extract.consortium import extract_members, lead_of
from pipeline.extract.dates import extract_declared_on
from pipeline.extract.entity import unit_from_pages
from pipeline.extract.layout import PageLayout, layouts
from pipeline.extract.plans import extract_plan_sections
from pipeline.extract.recommendation import extract_district
from pipeline.extract.site import extract_site
from pipeline.extract.targets import IndicatorSpec, default_indicators, extract_targets
from pipeline.extract.track import detect_track
from pipeline.extract.units import fill_member_codes, one_unit_per_code, reconcile, with_own_type
from pipeline.facts import ApplicationFacts, Fact, Site, Unit
from pipeline.model import Document

__all__ = ["extract_facts", "facts_from_layouts", "IndicatorSpec", "default_indicators"]


def extract_facts(documents: Sequence[Document], *, indicators: Sequence[IndicatorSpec] = ()) -> ApplicationFacts:
    """All facts of one application (or of one recommendation form). `indicators` are the 榜单
    indicators from the rules file; the SPEC §4 placeholders when none are given."""
    return facts_from_layouts(layouts(documents), indicators=indicators or default_indicators())


def facts_from_layouts(pages: Sequence[PageLayout], *, indicators: Sequence[IndicatorSpec]) -> ApplicationFacts:
    track = detect_track(pages)
    if track.value == "recommendation_form":
        district, opinion = extract_district(pages)
        return ApplicationFacts(track=track, declared_on=extract_declared_on(pages), district=district,
                                district_opinion=opinion)
    members: tuple[Unit, ...] = ()
    member_list = Fact()
    applicant = unit_from_pages(pages)
    if track.value in ("open_source_community", "unknown"):
        members, member_list = extract_members(pages)
        # one unit read in two places (a table row whose name was lost, keyed by its code) is one member
        # before the lead is taken (dev seed 1471 #003: the nameless row was the lead, the applicant had no name)
        members = one_unit_per_code(members)
        lead = lead_of(members)
        if track.value == "open_source_community":
            # the applicant of an open-source application is the consortium's lead unit
            if lead is not None:
                applicant = with_own_type(lead, applicant)
            elif not applicant.name.found:
                applicant = unit_from_pages(pages, "lead_name")
    applicant = reconcile(applicant, pages)
    members = one_unit_per_code(fill_member_codes(members, applicant, pages))
    no_site = Fact(reason="开源社区申报不要求场地说明")
    site = extract_site(pages) if track.value != "open_source_community" else Site(
        tenure=no_site, lease_start=no_site, lease_end=no_site, lease_years=no_site)
    plans = extract_plan_sections(pages)
    return ApplicationFacts(
        track=track,
        applicant=applicant,
        site=site,
        consortium=members,
        consortium_list=member_list,
        targets=extract_targets(pages, indicators, track.value),
        declared_on=extract_declared_on(pages),
        plan_sections=plans,
    )
