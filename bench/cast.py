"""The people the benchmark acts as. The dataset creates them; the harness logs in as them.

All of them work either at the home agency (the Dinas/UPTD PPA whose cases are measured)
or at the partner agency that receives the home agency's referrals.
"""

# Held in Agency.nomenclature.
HOME_AGENCY_CODE = "BENCH-HOME"
PARTNER_AGENCY_CODE = "BENCH-PARTNER"

# Lead caseworker on ``Scale.caseworker_cases`` of the home agency's cases.
CASEWORKER = "bench.caseworker"
# Supervisor at the home agency: sees every case it leads (``Scale.home_agency_cases``),
# exports them.
SUPERVISOR = "bench.supervisor"
# Head of division at the home agency: the agency dashboard.
HEAD = "bench.head"
# Whoever the network dashboard is for (forum coordinator / data officer with the grant
# the network dashboard requires).
NETWORK = "bench.network"
# Caseworker and supervisor at the partner agency: the incoming referral inbox.
RECEIVER = "bench.receiver"

CAST = (CASEWORKER, SUPERVISOR, HEAD, NETWORK, RECEIVER)
