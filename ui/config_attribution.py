"""``[campaigns]`` of brandpulse.toml: the campaign-phase windows and how web traffic and promo codes map to
campaigns and influencers (``store.kpi.attributed``).

```toml
[campaigns]
before_days = 14          # the window before a campaign (default: as long as the campaign)
after_days = 14           # the window after it (default: as long as the campaign)

[campaigns.utm_campaign]  # utm_campaign value → campaign name (default: the campaign of that name)
glow_spring_26 = "Spring Glow"

[campaigns.utm_content]   # utm_content value → influencer (default: the influencer of that handle)
minji_reel = "@minji"

[[campaigns.codes]]       # a promo code starting with prefix is the influencer's (longest prefix wins)
prefix = "MINJI"
influencer = "@minji"
campaign = "Spring Glow"  # optional: else the influencer's campaign running on the redemption day
```
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from store.kpi.attributed import AttributionRules, CodeRule
from store.kpi.phases import DEFAULT_PHASE_DAYS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class CodeRuleConfig(_Strict):
    prefix: str = Field(min_length=1, max_length=200)
    influencer: str = Field(min_length=1, max_length=500)
    campaign: str | None = Field(default=None, min_length=1, max_length=500)

    @field_validator("prefix")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is blank: every code would match it")
        return value.strip()


class CampaignsConfig(_Strict):
    """Campaign phases and attribution rules; every key optional."""

    before_days: int | None = Field(default=DEFAULT_PHASE_DAYS, ge=1, le=366)
    after_days: int | None = Field(default=DEFAULT_PHASE_DAYS, ge=1, le=366)
    utm_campaign: dict[str, str] = Field(default_factory=dict)
    utm_content: dict[str, str] = Field(default_factory=dict)
    codes: list[CodeRuleConfig] = Field(default_factory=list, max_length=10_000)

    @field_validator("codes")
    @classmethod
    def _unique_prefixes(cls, value: list[CodeRuleConfig]) -> list[CodeRuleConfig]:
        seen: set[str] = set()
        for rule in value:
            key = rule.prefix.casefold()
            if key in seen:
                raise ValueError(f"code prefix {rule.prefix!r} is listed twice")
            seen.add(key)
        return value

    def rules(self) -> AttributionRules:
        """The store's form of the mapping rules."""
        return AttributionRules(
            utm_campaign=tuple(sorted(self.utm_campaign.items())),
            utm_content=tuple(sorted(self.utm_content.items())),
            codes=tuple(CodeRule(r.prefix, r.influencer, r.campaign) for r in self.codes),
        )
