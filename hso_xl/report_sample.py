"""Build the sample data workbook of the regional report (`input/Rapportdata_2025.xlsx`).

Ånge kommun's records are S4's ("Region Västernorrlands arbete i Ånge kommun", 2025-11-27): the
key figures (broadband support 10,7 Mkr, business support 15 Mkr, Almi's 58 customer meetings,
40 AU customers, 14 loans and 6,2 Mkr granted loans, 35 Livskraft activities), the nine largest
business-support cases, the culture support 2023–2025 (270 000 kr) and the local examples. The
six other municipalities get plausible invented records, marked as sample data in every row
(`Källa`), on the sheet `Om` and in their `Rapport` row, which their reports print.

`scripts/make_report_data.py` (`make sample`) writes the shipped file; tests write other data
workbooks by other means (openpyxl, an Excel table, LibreOffice).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

import xlsxwriter

from . import scratch

FIXED_TIME = dt.datetime(2025, 11, 27, 8, 0, 0)
S4 = "S4: Region Västernorrlands arbete i Ånge kommun, 2025-11-27"
SAMPLE = "EXEMPELDATA (påhittad)"
SAMPLE_NOTE = ("Exempeldata: siffrorna och exemplen i den här rapporten är påhittade för att visa mallen, "
               "inte Region Västernorrlands uppgifter.")
PERIOD = "2023–2025"
ANGE = "Ånge kommun"
SHORT = {"Härnösands kommun": "Härnösand", "Kramfors kommun": "Kramfors", "Sollefteå kommun": "Sollefteå",
         "Sundsvalls kommun": "Sundsvall", "Timrå kommun": "Timrå", "Örnsköldsviks kommun": "Örnsköldsvik"}
OTHERS = tuple(SHORT)

REGION = [  # Mått, Värde, Enhet, År: S4's Inledning and Kultur och kreativ sektor
    ("Avsatta medel för uppdraget", 519_000_000, "kr", 2025),
    ("Extern intäktsfinansiering, minst", 0.25, "andel", 2025),
    ("Fördelas vidare till externa aktörer", 415_000_000, "kr", 2025),
    ("Varav regional kollektivtrafik", 295_000_000, "kr", 2025),
    ("Statliga kulturmedel per år, omkring", 50_000_000, "kr", 2025),
    ("Nya tåg i planeringen", 20, "st", 2025),
]

ANGE_FIGURES = [  # Område, Mått, Värde, Enhet, Text
    ("Lokala exempel", "Bredbandsstöd", 10_700_000, "kr", "bredband"),
    ("Lokala exempel", "Företagsstöd", 15_000_000, "kr", "företagsstöd"),
    ("Almi", "Kundmöten", 58, "st", "kundmöten"),
    ("Almi", "AU-kunder", 40, "st", "AU-kunder (tjänster registrerade till unika företag)"),
    ("Almi", "Lån", 14, "st", "lån"),
    ("Almi", "Beviljade lån", 6_200_000, "kr", "beviljade lån"),
    ("Kultur", "Livskraft – kultur för äldre", 35, "st", "aktiviteter inom Livskraft – kultur för äldre"),
]

ANGE_CASES = [  # S4's chart "Företagsstöd – största ärenden, Ånge kommun", largest first
    ("Extreme Medic Fastigheter AB", 2_102_500),
    ("ROCCO Oil Sweden AB", 1_800_000),
    ("Torp's Vattenskärning AB", 1_734_840),
    ("Torp's Vattenskärning AB", 1_293_035),
    ("Nordbiten AB", 999_600),
    ("Nordbiten AB", 993_413),
    ("Bränna Natur AB", 873_000),
    ("Träffpunkt Haverö AB", 526_704),
    ("Cygrids Communications AB", 516_425),
]

ANGE_CULTURE = [  # År, Mottagare, Belopp: S4's table, 270 000 kr in all
    (2023, "Folk flute academy", 25_000),
    (2023, "Konstnärligt residens", 30_000),
    (2024, "Folk flute academy", 25_000),
    (2024, "Konstnärligt residens", 30_000),
    (2025, "Folk flute academy", 30_000),
    (2025, "Konstnärligt residens", 30_000),
    (2025, "Visioner, samverkanssatsning, gestaltad livsmiljö", 100_000),
]

ANGE_EXAMPLES = [
    ("Vätgassatsning",
     "Region Västernorrland har arbetat nära Ånge i deras satsning på vätgasbaserade industrier och industriell "
     "symbios. Region Västernorrland har bland annat tagit initiativ till och delfinansierat en resa till Hydrogen "
     "week i Bryssel, där en delegation från Ånge kommun och Ångebaserade företag fick möjlighet att delta och "
     "träffa intressenter och affärspartners. Region Västernorrland deltar även tillsammans med Ånge i ett Interreg "
     "projekt (Unlock) kopplat till näringslivs- och policyutveckling inom vätgasområdet.\n"
     "Utöver detta har regionen arbetat aktivt med analyser och studier kring energimarknaden och vätgas, däribland "
     "hur regelverken på EU nivå kan påverka vätgasutvecklingen, vilket varit ett stöd för kommunen i sitt "
     "strategiska arbete."),
    ("Mittstråket",
     "Mittstråket har sedan länge varit ett av Västernorrlands prioriterade transportstråk. Målsättningen är att "
     "länka samman människor, företag och samhällen längs Mittstråket genom utvecklad transportinfrastruktur. "
     "Region Västernorrland är drivande i Partnerskap Mittstråket som finns mellan grannregion och kommuner och "
     "samverkan sker med Trafikverket om successiva förbättringar i väg- och järnvägsinfrastrukturen. Partnerskapet "
     "formulerar gemensamma mål för Mittstråkets utveckling och bidrar till att Mittstråket synliggörs i ett "
     "nationellt och ur ett EU-perspektiv. Partnerskapet tar initiativ till genomförandeprojekt, framtagande av "
     "underlag och påverkansinsatser. Ett exempel är Projekt Mittstråket 2.0 som finansieras av EU-medel, regionala "
     "utvecklingsmedel och Trafikverkets nationella anslag. Projektet pågår 2023–2027 och har en budget på 285 "
     "miljoner kronor. Projekt Mittstråket 2.0 genomför investeringar på Mittbanan som medför ökad kapacitet "
     "förbättrad redundans samt minskade restider. Åtgärder som är viktiga för godstrafiken och för att kunna "
     "utveckla regiontågstrafiken.\n"
     "Trafiksäkerhet höjs genom att ett antal osäkra plankorsningar förbättras eller byggs bort. Projektet "
     "innehåller även insatser som ska bidra till göra Mittbanan mer attraktiv för gods- och persontransporter, "
     "till exempel arrangeras dialogsamtal mellan godsaktörer samt utredningar kring bytespunkter och "
     "mobilitetstjänster. Bytespunktsutredningen kommer att utgöra underlag för framtida investeringsbeslut för "
     "åtgärder på stationerna längs Mittbanan som innebär ökad trygghet och tillgänglighet för resenärerna."),
    ("YH Scentekniker vid Ålsta folkhögskola",
     "Myndigheten för Yrkeshögskolan finansierar yrkeshögskoleutbildningen Scentekniker och huvudman för "
     "utbildningen är Ålsta folkhögskola i Fränsta. Scenteknikeryrket i Norrland står inom de närmsta fem åren "
     "inför ett högt antal pensionsavgångar och behovet är därför stort att utbilda och rekrytera ny personal. Alla "
     "regionala scenkonstverksamheter från Gävle till Kiruna står bakom utbildningen och kursen genomförs i mycket "
     "nära samverkan med Scenkonst Västernorrland AB som både bidrar i undervisningen och med LIA platser (lärande "
     "i arbete). Kursdeltagarna kunde våren 2025 praktisera under Melodifestivalsturnén vilket är tämligen unikt. "
     "YH-utbildningen ska under året utvecklas mot en mer flexibel studieform för att bredda deltagarunderlaget."),
    ("Regional transportinfrastruktur",
     "Under de senaste åren har det genomförts och planeras även för framtida satsningar inom "
     "transportinfrastruktur med fokus på trafiksäkerhet, tillgänglighet och hållbara resor inom Ånge kommun. Ett "
     "prioriterat område är åtgärder för säkrare sidoområden, där väg 83 mellan Alby och E14 vid Näset är aktuell "
     "och föreslås ingå i den regionala länsplanen för 2026–2037. Under samma planperiod finns även möjligheter "
     "till ytterligare åtgärder genom länsplanens potter, exempelvis för regionala kollektivtrafikanläggningar.\n"
     "Bland genomförda och pågående insatser finns gång- och cykelväg i Fränsta samt timglashållplats vid Ålsta "
     "folkhögskola (2025), plankorsningsåtgärder längs Mittbanan mellan Ånge och Sundsvall (2022–2024) samt "
     "kommunal medfinansiering till flera gång- och cykelvägar, bland annat Mårtensvägen i Fränsta (2024) och i "
     "anslutning till nya förskoleområden (2022–2023). Tidigare satsningar omfattar även bygdeväg och bro över "
     "Ljungan i Torpshammar (2023) samt gång- och cykelvägar i Östavall (2022) och Ljungaverk (2021)."),
]

_TRADES = ("Trä", "Verkstad", "Fastigheter", "Livsmedel", "Turism", "Energi", "Bygg", "Data", "Transport",
           "Design", "Skog", "Mekanik")
_RECIPIENTS = ("Kulturföreningen Exempel", "Exempelteatern", "Exempel musikfestival", "Konstnärligt residens (exempel)",
               "Litteraturdagar (exempel)", "Exempel filmverkstad")
_EXAMPLES = (
    ("Besöksnäring", "Exempeltext: Regionen och {kort} tar tillsammans fram underlag om besökare och besöksmål, "
                     "som stöd för kommunens arbete med lokala strategier.\nUnderlaget bygger på data från "
                     "Analysportal Norr och följs upp varje år."),
    ("Kompetensförsörjning", "Exempeltext: Lärcentrum i {kort} utvecklas tillsammans med regionen så att fler kan "
                             "utbilda sig där de bor, i samarbete med arbetsliv och lärosäten."),
    ("Kollektivtrafik", "Exempeltext: Nya hållplatser och bättre pendlingsmöjligheter planeras i {kort} inom "
                        "länsplanen för regional transportinfrastruktur."),
)


def build_report_data(path: Path) -> Path:
    """Write the sample data workbook to `path` (cached values filled by hso_xl's recompute) and return it."""
    from .workbook.recalc import recompute_and_cache

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=scratch.prefix("rapportdata")) as tmp:
        raw = Path(tmp) / "raw.xlsx"
        _write(raw)
        path.write_bytes(recompute_and_cache(raw.read_bytes()))
    return path


def _write(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": "Underlag till Region Västernorrlands arbete i kommunerna",
                       "author": "Region Västernorrland", "created": FIXED_TIME})
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    kr = wb.add_format({"num_format": "# ##0"})
    share = wb.add_format({"num_format": "0 %"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    rng = random.Random(20251127)

    def sheet(name, titles, rows, widths, formats=None):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, titles, head)
        ws.freeze_panes(1, 0)
        for c, width in enumerate(widths):
            ws.set_column(c, c, width, (formats or {}).get(c))
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                fmt = (formats or {}).get(c)
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
                elif value is None or value == "":
                    continue
                elif fmt is not None:
                    ws.write(r, c, value, fmt)
                else:
                    ws.write(r, c, value)
        return ws

    sheet("Om", ["Uppgift", "Text"], [
        ("Innehåll", "Underlag till rapporterna Region Västernorrlands arbete i <kommun>: en rad per post, kommunen "
                     "i kolumnen Kommun. hso-xl gör en rapport per kommun (templates/rapport/)."),
        ("Ånge kommun", f"Uppgifterna är hämtade ur {S4}."),
        ("Övriga kommuner", f"{SAMPLE}: påhittade poster som visar mallen. Ersätt dem med riktiga uppgifter "
                            "innan rapporterna skickas."),
    ], [18, 110], {1: wrap})
    sheet("Rapport", ["Kommun", "Datum", "Dnr", "Anmärkning"],
          [(ANGE, FIXED_TIME.date(), "", "")] + [(m, FIXED_TIME.date(), "", SAMPLE_NOTE) for m in OTHERS],
          [24, 12, 16, 90])
    sheet("Regionen", ["Mått", "Värde", "Enhet", "År", "Källa"],
          [(*row, S4) for row in REGION], [38, 16, 8, 8, 50])
    figures, cases, culture, examples = [], [], [], []
    for name in (ANGE, *OTHERS):
        if name == ANGE:
            figures += [(name, *f[:4], PERIOD, f[4], S4) for f in ANGE_FIGURES]
            cases += [(name, company, amount, PERIOD, S4) for company, amount in ANGE_CASES]
            culture += [(name, year, who, amount, S4) for year, who, amount in ANGE_CULTURE]
            examples += [(name, title, text, S4) for title, text in ANGE_EXAMPLES]
            continue
        short = SHORT[name]
        for area, measure, _, unit, text in ANGE_FIGURES:
            value = (rng.randrange(40, 250) * 100_000 if unit == "kr" and area == "Lokala exempel" else
                     rng.randrange(10, 90) * 100_000 if unit == "kr" else rng.randrange(8, 120))
            figures.append((name, area, measure, value, unit, PERIOD, text, SAMPLE))
        for i in range(rng.randrange(5, 10)):
            trade = _TRADES[(i + len(short)) % len(_TRADES)]
            cases.append((name, f"{short} {trade} AB (exempel)", rng.randrange(300_000, 2_500_000, 25), PERIOD, SAMPLE))
        for year in (2023, 2024, 2025):
            for who in rng.sample(_RECIPIENTS, rng.randrange(1, 4)):
                culture.append((name, year, who, rng.randrange(1, 11) * 5_000, SAMPLE))
        examples += [(name, title, text.format(kort=short), SAMPLE) for title, text in _EXAMPLES]
    sheet("Nyckeltal", ["Kommun", "Område", "Mått", "Värde", "Enhet", "Period", "Text", "Källa"], figures,
          [24, 16, 28, 14, 8, 11, 50, 50], {3: kr})
    sheet("Företagsstöd", ["Kommun", "Företag", "Belopp", "Period", "Källa"], _largest_first(cases),
          [24, 36, 14, 11, 50], {2: kr})
    sheet("Kulturstöd", ["Kommun", "År", "Mottagare", "Belopp", "Källa"], culture, [24, 8, 50, 12, 50], {3: kr})
    sheet("Lokala exempel", ["Kommun", "Rubrik", "Text", "Källa"], examples, [24, 36, 110, 50], {2: wrap})
    wb.get_worksheet_by_name("Regionen").set_column(1, 1, 16, None)
    for r, row in enumerate(REGION, start=1):
        wb.get_worksheet_by_name("Regionen").write(r, 1, row[1], share if row[2] == "andel" else kr)
    wb.close()


def _largest_first(cases: list[tuple]) -> list[tuple]:
    """Each municipality's cases, largest first (Ånge's in S4's order, which is that already)."""
    order = {name: i for i, name in enumerate(dict.fromkeys(c[0] for c in cases))}
    return sorted(cases, key=lambda c: (order[c[0]], -c[2]))
