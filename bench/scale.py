"""How big the synthetic deployment is, and how long each measurement runs."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    # The dataset.
    cases: int
    persons: int
    referrals: int
    agencies: int
    users: int
    meetings: int
    # The benchmark's home agency (where the cast works): its share of the cases, the
    # lead caseworker's own caseload among them, and the referrals it sends to the
    # partner agency whose inbox is measured.
    home_agency_cases: int
    caseworker_cases: int
    partner_referrals: int
    # The measurements.
    seconds_per_scenario: int
    warmup_seconds: int
    soak_seconds: int
    soak_clients: int
    clients: int = 8


FULL = Scale(
    name="full",
    cases=1_000_000,
    persons=1_500_000,
    referrals=300_000,
    agencies=1_000,
    users=10_000,
    meetings=20_000,
    home_agency_cases=50_000,
    caseworker_cases=1_500,
    partner_referrals=3_000,
    seconds_per_scenario=20,
    warmup_seconds=3,
    soak_seconds=600,
    soak_clients=50,
)

SMALL = Scale(
    name="small",
    cases=10_000,
    persons=15_000,
    referrals=3_000,
    agencies=100,
    users=1_000,
    meetings=200,
    home_agency_cases=1_000,
    caseworker_cases=150,
    partner_referrals=200,
    seconds_per_scenario=3,
    warmup_seconds=1,
    soak_seconds=15,
    soak_clients=50,
)

# A few hundred cases: what the tests build to check the dataset and the baseline.
TINY = Scale(
    name="tiny",
    cases=400,
    persons=600,
    referrals=120,
    agencies=12,
    users=80,
    meetings=20,
    home_agency_cases=150,
    caseworker_cases=30,
    partner_referrals=20,
    seconds_per_scenario=1,
    warmup_seconds=0,
    soak_seconds=2,
    soak_clients=4,
)

SCALES = {scale.name: scale for scale in (FULL, SMALL, TINY)}
