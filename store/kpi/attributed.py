"""Attributed results: web traffic (UTM-tagged sessions, conversions, revenue) and promo-code redemptions
mapped to a brand's campaigns and influencers through the configuration's rules.

- A traffic row's ``campaign`` (utm_campaign) names a campaign through ``AttributionRules.utm_campaign``
  (compared ignoring case); a value the rules do not list names the campaign of the same name. Its
  ``content`` (utm_content) names an influencer through ``utm_content``, else the campaign's influencer of
  that handle (ignoring case and a leading @). Traffic of a campaign with no influencer found stays at the
  campaign (influencer None).
- A code belongs to the rule with the longest prefix it starts with (ignoring case). The rule names the
  influencer and, optionally, the campaign; without one, the code goes to the influencer's campaign of the
  brand, and when it has several, to the one whose start…end holds the redemption day (none: unassigned).
- A row counts in a period when its day is in it.

The rows are summed in SQL (per campaign and content, per code and day); the mapping of those few groups is
done here, so a changed mapping needs no re-import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from store.models import Brand, Campaign, CodeRedemption, WebTraffic
from store.sql import period_filter
from store.timeutil import as_utc


@dataclass(frozen=True)
class CodeRule:
    """Codes starting with ``prefix`` are ``influencer``'s (in ``campaign`` when given)."""

    prefix: str
    influencer: str
    campaign: str | None = None


@dataclass(frozen=True)
class AttributionRules:
    """How traffic and codes map to campaigns and influencers (``[campaigns]`` of the configuration).
    Tuples, so the rules are hashable (the dashboard caches by them)."""

    utm_campaign: tuple[tuple[str, str], ...] = ()  # utm_campaign value → campaign name
    utm_content: tuple[tuple[str, str], ...] = ()  # utm_content value → influencer
    codes: tuple[CodeRule, ...] = ()


NO_RULES = AttributionRules()


@dataclass(frozen=True)
class AttributedResult:
    """What traffic and codes bring to one campaign and influencer (influencer None: traffic tagged with
    the campaign only)."""

    campaign: str
    influencer: str | None
    sessions: int
    utm_conversions: int
    utm_revenue: float
    code_orders: int
    code_revenue: float

    @property
    def conversions(self) -> int:
        """UTM conversions + code orders (see ``campaign_performance`` for the precedence)."""
        return self.utm_conversions + self.code_orders

    @property
    def revenue(self) -> float:
        """UTM revenue + code revenue."""
        return self.utm_revenue + self.code_revenue


def _fold(text: str) -> str:
    return text.strip().casefold()


def _handle(text: str) -> str:
    return _fold(text).lstrip("@")


@dataclass
class _Sums:
    sessions: int = 0
    utm_conversions: int = 0
    utm_revenue: float = 0.0
    code_orders: int = 0
    code_revenue: float = 0.0


@dataclass(frozen=True)
class _Window:
    campaign: str
    influencer: str
    starts: date | None
    ends: date | None

    def holds(self, day: date) -> bool:
        return (self.starts is None or self.starts <= day) and (self.ends is None or day <= self.ends)


def _campaign_rows(session: Session, brand: str) -> list[_Window]:
    """The brand's (campaign, influencer) pairs with the start and end days of their rows."""
    stmt = (
        select(Campaign.name, Campaign.influencer, func.min(Campaign.starts_on), func.max(Campaign.ends_on))
        .join(Brand, Brand.id == Campaign.brand_id)
        .where(Brand.name == brand)
        .group_by(Campaign.name, Campaign.influencer)
    )
    out = []
    for name, infl, start, end in session.execute(stmt).all():
        s, e = as_utc(start), as_utc(end)
        out.append(_Window(name, infl, s.date() if s else None, e.date() if e else None))
    return out


def _match_code(code: str, rules: Iterable[CodeRule]) -> CodeRule | None:
    """The rule with the longest prefix ``code`` starts with (ignoring case)."""
    folded = _fold(code)
    fits = [r for r in rules if r.prefix.strip() and folded.startswith(_fold(r.prefix))]
    return max(fits, key=lambda r: len(r.prefix.strip()), default=None)


def attributed_results(
    session: Session,
    *,
    brand: str,
    rules: AttributionRules = NO_RULES,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> list[AttributedResult]:
    """Traffic and code figures of ``brand``'s campaigns per (campaign, influencer), in the period (by the
    rows' days), mapped by ``rules`` (see the module). Sorted by campaign and influencer."""
    windows = _campaign_rows(session, brand)
    campaigns = {_fold(w.campaign): w.campaign for w in windows}
    influencers: dict[str, dict[str, str]] = defaultdict(dict)  # campaign → handle → influencer
    for w in windows:
        influencers[w.campaign][_handle(w.influencer)] = w.influencer
    utm_campaign = {_fold(k): v for k, v in rules.utm_campaign}
    utm_content = {_fold(k): v for k, v in rules.utm_content}
    sums: dict[tuple[str, str | None], _Sums] = defaultdict(_Sums)

    wt = WebTraffic.__table__
    traffic = session.execute(
        select(wt.c.campaign, wt.c.content, func.sum(wt.c.sessions), func.sum(wt.c.conversions))
        .add_columns(func.sum(wt.c.revenue))
        .where(period_filter(wt.c.day, since, until), wt.c.campaign != "")
        .group_by(wt.c.campaign, wt.c.content)
    ).all()
    for utm_camp, content, sessions, conversions, revenue in traffic:
        target = utm_campaign.get(_fold(utm_camp), utm_camp)
        camp = campaigns.get(_fold(target))
        if camp is None:
            continue  # another brand's campaign, or an untracked one
        infl = utm_content.get(_fold(content), content) if content else None
        # As the campaign file spells the handle; a mapped one it does not list stays as mapped.
        if infl is not None:
            infl = influencers[camp].get(_handle(infl), infl if _fold(content) in utm_content else None)
        s = sums[(camp, infl)]
        s.sessions += int(sessions or 0)
        s.utm_conversions += int(conversions or 0)
        s.utm_revenue += float(revenue or 0.0)

    if rules.codes:
        cr = CodeRedemption.__table__
        codes = session.execute(
            select(cr.c.code, cr.c.day, cr.c.orders, cr.c.revenue).where(
                period_filter(cr.c.day, since, until)
            )
        ).all()
        for code, day, orders, revenue in codes:
            rule = _match_code(code, rules.codes)
            if rule is None:
                continue
            camp = _code_campaign(rule, as_utc(day).date(), windows, campaigns)  # type: ignore[union-attr]
            if camp is None:
                continue
            s = sums[(camp, influencers[camp].get(_handle(rule.influencer), rule.influencer))]
            s.code_orders += int(orders or 0)
            s.code_revenue += float(revenue or 0.0)

    return [
        AttributedResult(
            camp, infl, s.sessions, s.utm_conversions, s.utm_revenue, s.code_orders, s.code_revenue
        )
        for (camp, infl), s in sorted(sums.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]


def _code_campaign(
    rule: CodeRule, day: date, windows: list[_Window], campaigns: dict[str, str]
) -> str | None:
    """The brand's campaign a redemption of ``rule``'s code on ``day`` goes to (None: not this brand's)."""
    if rule.campaign is not None:
        return campaigns.get(_fold(rule.campaign))
    own = [w for w in windows if _handle(w.influencer) == _handle(rule.influencer)]
    names = {w.campaign for w in own}
    if len(names) == 1:
        return names.pop()
    holding = sorted({w.campaign for w in own if w.holds(day)})
    return holding[0] if len(holding) == 1 else None
