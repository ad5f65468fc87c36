"""Hand-curated facts for the impact tables: code maps and figures found in public documents.

Everything here is a fact with its citation (URL or shared-data path). Nothing is invented: where
no published figure was found, the row is absent or its value is blank, and ``needs_check`` says
what a maintainer must confirm. See docs/reference-data.md for the search notes.
"""

from __future__ import annotations

# ISO 3166-1 alpha-3 -> alpha-2 for the codes that occur in Ember's country overview and in
# EcoLogits' electricity mixes (from the ISO 3166-1 standard; Kosovo uses the user-assigned XK).
_ISO3_TO_ISO2_TEXT = """
ABW:AW AFG:AF AGO:AO ALB:AL ARE:AE ARG:AR ARM:AM ASM:AS ATG:AG AUS:AU AUT:AT AZE:AZ BDI:BI
BEL:BE BEN:BJ BFA:BF BGD:BD BGR:BG BHR:BH BHS:BS BIH:BA BLR:BY BLZ:BZ BOL:BO BRA:BR BRB:BB
BRN:BN BTN:BT BWA:BW CAF:CF CAN:CA CHE:CH CHL:CL CHN:CN CIV:CI CMR:CM COD:CD COG:CG COK:CK
COL:CO COM:KM CPV:CV CRI:CR CUB:CU CYM:KY CYP:CY CZE:CZ DEU:DE DJI:DJ DMA:DM DNK:DK DOM:DO
DZA:DZ ECU:EC EGY:EG ERI:ER ESP:ES EST:EE ETH:ET FIN:FI FJI:FJ FLK:FK FRA:FR FRO:FO GAB:GA
GBR:GB GEO:GE GHA:GH GIN:GN GLP:GP GMB:GM GNB:GW GNQ:GQ GRC:GR GRD:GD GRL:GL GTM:GT GUF:GF
GUM:GU GUY:GY HKG:HK HND:HN HRV:HR HTI:HT HUN:HU IDN:ID IND:IN IRL:IE IRN:IR IRQ:IQ ISL:IS
ISR:IL ITA:IT JAM:JM JOR:JO JPN:JP KAZ:KZ KEN:KE KGZ:KG KHM:KH KIR:KI KNA:KN KOR:KR KWT:KW
LAO:LA LBN:LB LBR:LR LBY:LY LCA:LC LKA:LK LSO:LS LTU:LT LUX:LU LVA:LV MAC:MO MAR:MA MDA:MD
MDG:MG MDV:MV MEX:MX MKD:MK MLI:ML MLT:MT MMR:MM MNE:ME MNG:MN MOZ:MZ MRT:MR MSR:MS MTQ:MQ
MUS:MU MWI:MW MYS:MY NAM:NA NCL:NC NER:NE NGA:NG NIC:NI NLD:NL NOR:NO NPL:NP NRU:NR NZL:NZ
OMN:OM PAK:PK PAN:PA PER:PE PHL:PH PNG:PG POL:PL PRI:PR PRK:KP PRT:PT PRY:PY PSE:PS PYF:PF
QAT:QA REU:RE ROU:RO RUS:RU RWA:RW SAU:SA SDN:SD SEN:SN SGP:SG SLB:SB SLE:SL SLV:SV SOM:SO
SPM:PM SRB:RS SSD:SS STP:ST SUR:SR SVK:SK SVN:SI SWE:SE SWZ:SZ SYC:SC SYR:SY TCA:TC TCD:TD
TGO:TG THA:TH TJK:TJ TKM:TM TON:TO TTO:TT TUN:TN TUR:TR TWN:TW TZA:TZ UGA:UG UKR:UA URY:UY
USA:US UZB:UZ VCT:VC VEN:VE VGB:VG VIR:VI VNM:VN VUT:VU WSM:WS YEM:YE ZAF:ZA ZMB:ZM ZWE:ZW
XKX:XK
"""
ISO3_TO_ISO2: dict[str, str] = {pair[:3]: pair[4:] for pair in _ISO3_TO_ISO2_TEXT.split()}

# Aggregates kept from Ember's file, under clear names (others, e.g. G20 or "Asia", are dropped).
EMBER_AGGREGATES = {"EU": "EU", "World": "WORLD"}

# Google Cloud region -> country (ISO 3166-1 alpha-2), from the region's published location.
GOOGLE_REGION_ZONE = {
    "africa-south1": "ZA",
    "asia-east1": "TW",
    "asia-east2": "HK",
    "asia-northeast1": "JP",
    "asia-northeast2": "JP",
    "asia-northeast3": "KR",
    "asia-south1": "IN",
    "asia-south2": "IN",
    "asia-southeast1": "SG",
    "asia-southeast2": "ID",
    "asia-southeast3": "TH",
    "australia-southeast1": "AU",
    "australia-southeast2": "AU",
    "europe-central2": "PL",
    "europe-north1": "FI",
    "europe-north2": "SE",
    "europe-southwest1": "ES",
    "europe-west1": "BE",
    "europe-west10": "DE",
    "europe-west12": "IT",
    "europe-west2": "GB",
    "europe-west3": "DE",
    "europe-west4": "NL",
    "europe-west5": "",  # Google lists the location as N/A
    "europe-west6": "CH",
    "europe-west8": "IT",
    "europe-west9": "FR",
    "me-central1": "QA",
    "me-central2": "SA",
    "me-west1": "IL",
    "northamerica-northeast1": "CA",
    "northamerica-northeast2": "CA",
    "northamerica-south1": "MX",
    "southamerica-east1": "BR",
    "southamerica-west1": "CL",
    "us-central1": "US",
    "us-central2": "US",
    "us-east1": "US",
    "us-east2": "US",
    "us-east4": "US",
    "us-east5": "US",
    "us-east7": "US",
    "us-south1": "US",
    "us-west1": "US",
    "us-west2": "US",
    "us-west3": "US",
    "us-west4": "US",
}

# Country or place names used by the Cloud Carbon Footprint grid files -> ISO 3166-1 alpha-2.
CCF_PLACE_ZONE = {
    "United States": "US",
    "South Africa": "ZA",
    "Hong Kong": "HK",
    "India": "IN",
    "Japan": "JP",
    "South Korea": "KR",
    "Singapore": "SG",
    "Australia": "AU",
    "Canada": "CA",
    "China": "CN",
    "Germany": "DE",
    "Ireland": "IE",
    "England": "GB",
    "Italy": "IT",
    "France": "FR",
    "Sweden": "SE",
    "Bahrain": "BH",
    "Brazil": "BR",
    # Azure lists a US state or a city instead of a country.
    "Iowa": "US",
    "Virginia": "US",
    "Georgia": "US",
    "Illinois": "US",
    "Texas": "US",
    "Wyoming": "US",
    "California": "US",
    "Washington": "US",
    "Arizona": "US",
    "Netherlands": "NL",
    "Pune": "IN",
    "Chennai": "IN",
    "Mumbai": "IN",
    "London": "GB",
    "Cardiff": "GB",
    "Paris": "FR",
    "Helsinki": "FI",
    "Frankfurt": "DE",
    "Brussels": "BE",
    "Gavle": "SE",
}

CITED = "cited fact (no licence claimed on the figure)"
GOOGLE_ER_2024 = (
    "Google, Our 2024 Environmental Report "
    "(https://blog.google/outreach-initiatives/sustainability/2024-environmental-report)"
)
CO2EF_LIST = "https://www.co2emissiefactoren.nl/lijst-emissiefactoren/"
CE_DELFT_2021 = (
    "https://ce.nl/publicaties/ketenemissies-elektriciteit-actualisatie-elektriciteitsmix-2021/"
)

# nl_market_factors: category, list_year, value (tank-to-wheel: the scope-2 basis), wtt
# (well-to-tank: scope 3 category 3), wtw (well-to-wheel = ttw + wtt), unit, scope_note, source,
# licence, needs_check, note. Only values found in a public document are listed; a part that was
# not found is left empty (never derived).
NL_MARKET_FACTORS: list[dict[str, str]] = [
    {
        "category": "stroom-onbekend",
        "list_year": "2023",
        "data_year": "2021",
        "value": "300",
        "wtt": "74",
        "wtw": "374",
        "unit": "gCO2e/kWh",
        "scope_note": "TTW 300 g/kWh production (scope 2); WTT 74 g/kWh chain (scope 3 cat. 3); "
        "WTW 374 (CE Delft)",
        "source": CE_DELFT_2021,
        "licence": CITED,
        "needs_check": "true",
        "note": (
            "CE Delft's update of the Dutch electricity mix (production year 2021) for "
            "CO2emissiefactoren.nl; that it is the list's 'stroom onbekend' figure and the list "
            "year in which it was adopted (taken as 2023, the KEV 2023 basis) are not confirmed "
            "against the official list"
        ),
    },
    {
        "category": "groen-gvo",
        "list_year": "2023",
        "data_year": "",
        "value": "0",
        "wtt": "",
        "wtw": "",
        "unit": "gCO2e/kWh",
        "scope_note": "TTW 0 (scope 2 market-based), wind/zon/water with Dutch or EU GvO; WTT "
        "not shipped (no public figure found)",
        "source": CO2EF_LIST,
        "licence": CITED,
        "needs_check": "true",
        "note": (
            "0 on the scope-2 market basis follows the GHG Protocol market-based method for "
            "certificate-backed renewables; not confirmed against the current official list, "
            "which may also give chain (WTT) emissions"
        ),
    },
]

# Contract keys accepted by market_factor(); the table holds rows only for those found.
MARKET_CONTRACTS = {
    "grijze-stroom": "grey electricity (fossil/nuclear mix without GvO)",
    "stroom-onbekend": "electricity of unknown origin (average Dutch mix)",
    "groen-gvo": "wind, solar or hydro with guarantees of origin (GvO)",
    "biomassa-gvo": "biomass electricity with guarantees of origin (GvO)",
}

UPTIME_2023 = (
    "https://intelligence.uptimeinstitute.com/resource/"
    "large-data-centers-are-mostly-more-efficient-analysis-confirms"
)
AWS_SUST = "https://sustainability.aboutamazon.com/environment/the-cloud/asdi"
DCD_AWS = "https://www.datacenterdynamics.com/en/news/aws-global-data-centers-achieved-pue-of-115-in-2023/"
GA_PUE = (
    "Green Algorithms v3.0 defaults_PUE.csv (GreenAlgorithms/green-algorithms-tool@30df2fe), "
    "citing "
)
CNBC_GOOGLE = (
    "https://www.cnbc.com/2022/04/13/google-data-center-goal-100percent-green-energy-by-2030.html"
)
MS_WUE = "https://cybertechbiz.com/wp/microsoft-raises-bar-with-water-saving-data-center-design"
AWS_WUE_2021 = "https://concilio-biennalevenezia.org/archives/635 (republished GreenBiz article)"
GA_LICENCE = "CC-BY-4.0 (Lannelongue et al., Adv. Sci. 2021, doi:10.1002/advs.202100707)"

# pue_wue: key, pue, pue_low, pue_high, wue_l_per_kwh, wue_low, wue_high, year, range_method,
# source, licence, needs_check.
PUE_WUE: list[dict[str, str]] = [
    {
        "key": "unknown",
        "pue": "1.56",
        "pue_low": "1.1",
        "pue_high": "2.0",
        "wue_l_per_kwh": "1.8",
        "wue_low": "0.9",
        "wue_high": "2.7",
        "year": "2024",
        "range_method": (
            "PUE: from hyperscale fleet averages (about 1.1) to the DCiE 50 % bound of "
            "Algoritmekader dat-06 (PUE 2.0); WUE: +-50 % (algoprint default)"
        ),
        "source": (
            GA_PUE + "Uptime Institute Global Data Center Survey 2024 (PUE); WUE 1.8 L/kWh "
            "'industry average according to various academic studies' via " + AWS_WUE_2021
        ),
        "licence": GA_LICENCE + "; WUE: " + CITED,
        "needs_check": "true",
    },
    {
        "key": "industry-average-2023",
        "pue": "1.58",
        "pue_low": "1.55",
        "pue_high": "1.59",
        "wue_l_per_kwh": "",
        "wue_low": "",
        "wue_high": "",
        "year": "2023",
        "range_method": "range of Uptime's yearly industry averages since 2020 (1.55-1.59)",
        "source": UPTIME_2023,
        "licence": CITED,
        "needs_check": "false",
    },
    {
        "key": "provider:aws",
        "pue": "1.14",
        "pue_low": "1.04",
        "pue_high": "1.2",
        "wue_l_per_kwh": "0.25",
        "wue_low": "0.125",
        "wue_high": "0.375",
        "year": "2025",
        "range_method": (
            "PUE: best AWS site 2024 (1.04, Europe) to the 2023 estimate in Green Algorithms "
            "(1.2); WUE: +-50 % (algoprint default)"
        ),
        "source": (
            AWS_SUST + " (global PUE 1.14 in 2025, 1.15 in 2024); "
            "http://movatter.jp/mt/?url=https://aws.amazon.com/fr/about-aws/sustainability/ "
            "(best site 1.04); WUE 0.25 L/kWh is AWS's 2021 figure via " + AWS_WUE_2021
        ),
        "licence": CITED,
        "needs_check": "true",
    },
    {
        "key": "provider:gcp",
        "pue": "1.10",
        "pue_low": "1.06",
        "pue_high": "1.12",
        "wue_l_per_kwh": "",
        "wue_low": "",
        "wue_high": "",
        "year": "2023",
        "range_method": (
            "Google best site (1.06, via DCD) to the 1.12 of Green Algorithms v3.0; central: "
            "Google's own annual fleet average for 2023 (1.10)"
        ),
        "source": (
            GOOGLE_ER_2024
            + " (annual fleet PUE 1.10 in 2023); range: "
            + GA_PUE
            + "https://www.nutanix.dev/2023/05/04/digging-into-data-center-efficiency-"
            "pue-and-the-impact-of-hci/; best site via " + DCD_AWS
        ),
        "licence": CITED,
        "needs_check": "true",
    },
    {
        "key": "provider:azure",
        "pue": "1.18",
        "pue_low": "1.12",
        "pue_high": "1.25",
        "wue_l_per_kwh": "0.30",
        "wue_low": "0.15",
        "wue_high": "0.49",
        "year": "2024",
        "range_method": (
            "PUE: newest Microsoft facilities (1.12) to the IDC public-cloud average (1.25); "
            "WUE: -50 % to Microsoft's 2021 global average (0.49 L/kWh)"
        ),
        "source": (
            DCD_AWS
            + " (global fleet 1.18, newest 1.12); IDC public-cloud average 1.25 via "
            + AWS_SUST
            + "; WUE 0.30 L/kWh (last fiscal year) and 0.49 (2021) via "
            + MS_WUE
        ),
        "licence": CITED,
        "needs_check": "true",
    },
    {
        "key": "provider:ovhcloud",
        "pue": "1.09",
        "pue_low": "1.04",
        "pue_high": "1.14",
        "wue_l_per_kwh": "",
        "wue_low": "",
        "wue_high": "",
        "year": "2023",
        "range_method": "+-0.05 (algoprint default for provider fleet averages)",
        "source": GA_PUE
        + "https://www.nutanix.dev/2023/05/04/digging-into-data-center-efficiency-pue-and-the-impact-of-hci/",
        "licence": GA_LICENCE,
        "needs_check": "true",
    },
    {
        "key": "provider:oracle",
        "pue": "1.2",
        "pue_low": "1.15",
        "pue_high": "1.25",
        "wue_l_per_kwh": "",
        "wue_low": "",
        "wue_high": "",
        "year": "2023",
        "range_method": "Oracle's 'as low as 1.15' (via DCD) to +0.05",
        "source": GA_PUE
        + "https://www.nutanix.dev/2023/05/04/digging-into-data-center-efficiency-pue-and-the-impact-of-hci/",
        "licence": GA_LICENCE,
        "needs_check": "true",
    },
    {
        "key": "cloud-industry-average",
        "pue": "1.25",
        "pue_low": "1.14",
        "pue_high": "1.58",
        "wue_l_per_kwh": "",
        "wue_low": "",
        "wue_high": "",
        "year": "2024",
        "range_method": "best hyperscale fleet average (AWS 2025) to the Uptime industry average",
        "source": "IDC, 2H Datacenter Trends (doc US51911924, Jan 2025) as cited by " + AWS_SUST,
        "licence": CITED,
        "needs_check": "true",
    },
    {
        "key": "on-premise-enterprise",
        "pue": "1.63",
        "pue_low": "1.4",
        "pue_high": "2.0",
        "wue_l_per_kwh": "",
        "wue_low": "",
        "wue_high": "",
        "year": "2024",
        "range_method": (
            "algoprint choice: 1.4 (a well-run enterprise room) to the DCiE 50 % bound of "
            "Algoritmekader dat-06 (PUE 2.0)"
        ),
        "source": "IDC, 2H Datacenter Trends (doc US51911924, Jan 2025) as cited by " + AWS_SUST,
        "licence": CITED,
        "needs_check": "true",
    },
]

ODC_NOORD = (
    "https://www.dutchitleaders.nl/news/94883/kpn-bouwt-eerste-overheids-datacentrum-in-groningen"
)
ODC_HAAGSE_KM2 = "https://www.homij.nl/nl/nieuws/nieuwe-overheidsdatacenter-is-opgeleverd"

# datacentres: public profiles. Blank figures mean: no published value was found.
DATACENTRES: list[dict[str, str]] = [
    {
        "key": "odc-noord",
        "name": "ODC-Noord (Overheidsdatacenter Noord, Groningen)",
        "kind": "government",
        "zone": "NL",
        "pue": "",
        "dcie": "",
        "wue_l_per_kwh": "",
        "ref": "",
        "erf": "",
        "certifications": "",
        "year": "",
        "source": ODC_NOORD,
        "licence": CITED,
        "needs_check": "true",
        "note": (
            "built by KPN for DUO/SSO-Noord; no published PUE or DCiE found in the searched "
            "sources (news items only claim an energy saving of 33 % vs older rooms)"
        ),
    },
    {
        "key": "odc-haagse-km2",
        "name": "ODC Haagse km2 (Overheidsdatacenter Rijswijk)",
        "kind": "government",
        "zone": "NL",
        "pue": "",
        "dcie": "",
        "wue_l_per_kwh": "",
        "ref": "",
        "erf": "",
        "certifications": "",
        "year": "",
        "source": ODC_HAAGSE_KM2,
        "licence": CITED,
        "needs_check": "true",
        "note": "one of the four Rijks ODCs; no published PUE or DCiE found",
    },
    {
        "key": "google-fleet",
        "name": "Google (fleet-wide)",
        "kind": "cloud-provider",
        "zone": "",
        "pue": "1.1",
        "dcie": "",
        "wue_l_per_kwh": "",
        "ref": "",
        "erf": "",
        "certifications": "",
        "year": "2023",
        "source": GOOGLE_ER_2024 + " ('In 2023, the average annual power usage effectiveness "
        "for our data centers was 1.10')",
        "licence": CITED,
        "needs_check": "false",
        "note": "Google's own 2024 Environmental Report (annual fleet average, 2023)",
    },
    {
        "key": "aws-fleet",
        "name": "Amazon Web Services (global)",
        "kind": "cloud-provider",
        "zone": "",
        "pue": "1.14",
        "dcie": "",
        "wue_l_per_kwh": "",
        "ref": "",
        "erf": "",
        "certifications": "ISO 50001 (AWS data centres in France)",
        "year": "2025",
        "source": AWS_SUST,
        "licence": CITED,
        "needs_check": "false",
        "note": "AWS reports 1.15 for 2024 and 1.14 for 2025",
    },
    {
        "key": "microsoft-fleet",
        "name": "Microsoft (global fleet)",
        "kind": "cloud-provider",
        "zone": "",
        "pue": "1.18",
        "dcie": "",
        "wue_l_per_kwh": "0.30",
        "ref": "",
        "erf": "",
        "certifications": "",
        "year": "2024",
        "source": DCD_AWS + "; WUE via " + MS_WUE,
        "licence": CITED,
        "needs_check": "true",
        "note": "secondary sources (news); Microsoft's own datacenter pages not read",
    },
]


def _div(a: str, b: str) -> str:
    from decimal import Decimal

    return format((Decimal(a) / Decimal(b)).quantize(Decimal("1e-12")).normalize(), "f")


# embodied_components (Boavizta, restated from shared/data/embodied/BOAVIZTA_FACTORS.md, which
# cites boaviztapi v2.4.1 data/factors.yml; upstream source: Umweltbundesamt, Texte 94/2021).
# Columns: component, parameter, gwp_kg, adpe_kg_sbeq, pe_mj, unit_basis, low_factor,
# high_factor, default_lifetime_years, note.
RAM_DENSITY = ("1.2444", "0.625", "2.375")  # GB/cm2: mean, min, max
SSD_DENSITY = ("54.8842", "16.4", "128.0")
PSU_WEIGHT = ("2.99", "1", "5")  # kg


def embodied_rows() -> list[dict[str, str]]:
    """The Boavizta component factors as rows (values exactly as restated in the fact sheet)."""

    def row(
        component: str,
        parameter: str,
        values: tuple[str, str, str],
        basis: str,
        *,
        low: str = "0.5",
        high: str = "1.5",
        note: str = "no uncertainty published; algoprint applies x0.5..x1.5",
    ) -> dict[str, str]:
        return {
            "component": component,
            "parameter": parameter,
            "gwp_kg": values[0],
            "adpe_kg_sbeq": values[1],
            "pe_mj": values[2],
            "unit_basis": basis,
            "low_factor": low,
            "high_factor": high,
            "default_lifetime_years": "3",
            "note": note,
        }

    mean, dmin, dmax = RAM_DENSITY
    smean, smin, smax = SSD_DENSITY
    wmean, wmin, wmax = PSU_WEIGHT
    gpu_note = "Boavizta GPU sub-component factor; effective areas per BOAVIZTA_FACTORS.md s.2"
    return [
        row("cpu", "die", ("1.97", "5.87e-07", "26.5"), "per cm2 of CPU die (source per mm2 x100)"),
        row("cpu", "base", ("9.14", "0.0204", "156"), "per CPU unit"),
        row("ram", "die", ("2.2", "6.3e-05", "27.3"), "per cm2 of memory die"),
        row("ram", "base", ("5.22", "0.00169", "74"), "per RAM module"),
        row(
            "ram",
            "per_gb",
            (_div("2.2", mean), _div("6.3e-05", mean), _div("27.3", mean)),
            f"per GB at the default density {mean} GB/cm2 (die factor / density)",
            low=_div(mean, dmax),
            high=_div(mean, dmin),
            note=f"range from the density range {dmin}-{dmax} GB/cm2 (Boavizta crowdsourced data)",
        ),
        row("ssd", "die", ("2.2", "6.3e-05", "27.3"), "per cm2 of flash die"),
        row("ssd", "base", ("6.34", "0.000563", "73.98"), "per SSD unit"),
        row(
            "ssd",
            "per_gb",
            (_div("2.2", smean), _div("6.3e-05", smean), _div("27.3", smean)),
            f"per GB at the default density {smean} GB/cm2 (die factor / density)",
            low=_div(smean, smax),
            high=_div(smean, smin),
            note=f"range from the density range {smin}-{smax} GB/cm2 (Boavizta crowdsourced data)",
        ),
        row("hdd", "unit", ("31.11", "0.00025", "276"), "per HDD unit"),
        row("mainboard", "unit", ("66.1", "0.00369", "836"), "per mainboard"),
        row("psu", "per_kg", ("24.3", "0.0083", "352"), "per kg of power supply"),
        row(
            "psu",
            "unit",
            (_mul("24.3", wmean), _mul("0.0083", wmean), _mul("352", wmean)),
            f"per PSU at the default weight {wmean} kg",
            low=_div(wmin, wmean),
            high=_div(wmax, wmean),
            note=f"range from the weight range {wmin}-{wmax} kg (Boavizta archetype)",
        ),
        row("assembly", "server", ("6.68", "1.41e-06", "68.6"), "per server"),
        row("case", "rack", ("150", "0.0202", "2200"), "per rack server case"),
        row(
            "case",
            "blade",
            ("85.9", "0.027672", "1228.75"),
            "per blade: blade server + 1/16 of a 16-slot enclosure",
        ),
        row("gpu", "casing", ("8.254", "0.0004083", "245.9"), "per kg of casing", note=gpu_note),
        row("gpu", "heatsink", ("5.741", "0.001867", "92.29"), "per kg of heatsink", note=gpu_note),
        row("gpu", "pwb", ("0.03255", "1.271e-05", "0.8297"), "per cm2 of PWB", note=gpu_note),
        row(
            "gpu", "die", ("0.04259", "1.555e-08", "0.5673"), "per mm2 effective die", note=gpu_note
        ),
        row(
            "gpu", "vram", ("0.1838", "5.073e-09", "2.452"), "per mm2 effective VRAM", note=gpu_note
        ),
        row(
            "gpu",
            "upstream_transport",
            ("0.2596", "1.02e-08", "3.619"),
            "per kg of card",
            note=gpu_note,
        ),
        row("gpu", "end_of_life", ("1.506", "3.714e-06", "22.35"), "per kg of card", note=gpu_note),
        row(
            "gpu",
            "transport_boat",
            ("1.33e-05", "4.62e-13", "0.000164"),
            "per km x kg",
            note=gpu_note,
        ),
        row(
            "gpu",
            "transport_truck",
            ("5.04e-05", "1.98e-12", "0.000704"),
            "per km x kg",
            note=gpu_note,
        ),
        row(
            "gpu",
            "transport_plane",
            ("0.00211", "8.31e-11", "0.0295"),
            "per km x kg",
            note=gpu_note,
        ),
    ]


def _mul(a: str, b: str) -> str:
    from decimal import Decimal

    return format((Decimal(a) * Decimal(b)).normalize(), "f")
