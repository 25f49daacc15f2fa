#!/usr/bin/env python3
"""Validate the sitrep event test corpus and print its coverage.

Usage:
    python3 check.py [SENTENCES.jsonl] [--ontology DIR] [--no-coverage]
                     [--markdown]

Every line of the corpus must be a JSON object with the keys id, text,
published, events and tags (see README.md in this directory). The script
checks each line and prints coverage counts. It exits 1 if any line is
invalid or, unless --no-coverage is given, if a coverage minimum is not met.

The CAMEO code table (cameo.tsv) and the CAMEO->PLOVER table
(CAMEO2PLOVER-2021.txt) are read from --ontology, from $SITREP_ONTOLOGY, or
from shared/ontology next to the repository; checks that need a missing file
are skipped with a notice. Python 3 standard library only.
"""

import argparse
import collections
import datetime
import json
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# ISO 3166-1 alpha-3 codes (all 249 officially assigned codes).
ISO3 = frozenset("""
ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL
BEN BES BFA BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA
CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM
CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA
FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM
GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY
JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU
LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ
MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL
OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS
RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK
SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV
TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF
ZMB ZWE
""".split())
GROUPS = frozenset({"IGO", "IMG"})

PLOVER = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION",
    "MOBILIZE", "COERCE", "ASSAULT",
)
MODALITIES = ("asserted", "planned", "requested", "hypothetical", "negated",
              "reported")
TAGS = ("active", "passive", "coordination", "reported-speech",
        "relative-clause", "nominal", "negation", "hypothetical", "planned",
        "request", "no-event", "quote")
REQUIRED = ("id", "text", "published", "events", "tags")
EVENT_KEYS = ("source", "target", "plover", "cameo", "modality")
EVENT_OPTIONAL = ("directed",)

# Deviations from CAMEO2PLOVER-2021.txt, documented in README.md:
# the table has no lines for CAMEO 01 (statements, not coded) and 02
# (appeals, coded REQUEST), and maps 163 to COERCE where the PLOVER manual
# codes international sanctions as SANCTION.
PLOVER_OVERRIDES = {"163": "SANCTION", "057": "AGREE"}
PLOVER_PREFIXES = {"02": "REQUEST"}

# A modality that an event carries requires this tag on its sentence.
MODALITY_TAG = {
    "negated": "negation",
    "hypothetical": "hypothetical",
    "planned": "planned",
    "reported": "reported-speech",
}

# Coverage minimums (sentences carrying the thing, not events).
MIN_LINES = 450
MIN_PLOVER = dict.fromkeys(PLOVER, 20)
MIN_PLOVER.update(ASSAULT=40, CONSULT=40, ACCUSE=40, AGREE=40, REQUEST=40,
                  AID=30)
MIN_TAGS = {"passive": 40, "negation": 30, "reported-speech": 30,
            "nominal": 30, "planned": 30, "request": 30, "hypothetical": 20,
            "coordination": 20, "relative-clause": 20, "no-event": 60}
MIN_CAMEO = 150
MIN_COUNTRIES = 60
DATE_MIN = datetime.date(2020, 1, 1)
DATE_MAX = datetime.date(2025, 12, 31)
MAX_EVENTS = 3


def find_ontology(arg):
    """Return the ontology directory to use, or None."""
    candidates = []
    if arg:
        candidates.append(Path(arg))
    if os.environ.get("SITREP_ONTOLOGY"):
        candidates.append(Path(os.environ["SITREP_ONTOLOGY"]))
    # testdata/events -> repository -> its parent, where shared/ lives.
    candidates.append(HERE.parents[2] / "shared" / "ontology")
    candidates.append(HERE.parents[1] / "shared" / "ontology")
    for c in candidates:
        if c.is_dir():
            return c
    return None


def load_cameo(ontology):
    """Codes of cameo.tsv, or None when the file is missing."""
    if ontology is None or not (ontology / "cameo.tsv").is_file():
        return None
    codes = set()
    with open(ontology / "cameo.tsv", encoding="utf-8") as f:
        next(f, None)  # header
        for line in f:
            code = line.split("\t", 1)[0].strip()
            if code:
                codes.add(code)
    return codes


def load_plover_map(ontology):
    """CAMEO code -> PLOVER type from CAMEO2PLOVER-2021.txt, or None."""
    path = None if ontology is None else ontology / "CAMEO2PLOVER-2021.txt"
    if path is None or not path.is_file():
        return None
    mapping = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^(\d{3,4}):\s*([A-Z]+)\s*,", line)
            if m:
                mapping.setdefault(m.group(1), m.group(2))
    mapping.update(PLOVER_OVERRIDES)
    return mapping


def expected_plover(code, mapping):
    if code in mapping:
        return mapping[code]
    for prefix, plover in PLOVER_PREFIXES.items():
        if code.startswith(prefix):
            return plover
    return None


def norm_text(text):
    return re.sub(r"\W+", " ", text.lower()).strip()


def check_event(ev, where, cameo_codes, plover_map, errors):
    if not isinstance(ev, dict):
        errors.append(f"{where}: event is not an object")
        return
    for k in EVENT_KEYS:
        if k not in ev:
            errors.append(f"{where}: missing event key {k!r}")
    for k in ev:
        if k not in EVENT_KEYS and k not in EVENT_OPTIONAL:
            errors.append(f"{where}: unknown event key {k!r}")
    for side in ("source", "target"):
        v = ev.get(side)
        if not isinstance(v, str) or (v not in ISO3 and v not in GROUPS):
            errors.append(f"{where}: {side} {v!r} is not ISO 3166-1 "
                          "alpha-3, IGO or IMG")
    plover = ev.get("plover")
    if plover not in PLOVER:
        errors.append(f"{where}: unknown PLOVER type {plover!r}")
    code = ev.get("cameo")
    if not isinstance(code, str) or not re.fullmatch(r"\d{2,4}", code):
        errors.append(f"{where}: CAMEO code {code!r} is not a digit string")
    else:
        if code.startswith("01"):
            errors.append(f"{where}: CAMEO 01x statements are not coded")
        if cameo_codes is not None and code not in cameo_codes:
            errors.append(f"{where}: CAMEO code {code} not in cameo.tsv")
        if plover_map is not None and plover in PLOVER:
            want = expected_plover(code, plover_map)
            if want is None:
                errors.append(f"{where}: CAMEO {code} has no PLOVER mapping")
            elif want != plover:
                errors.append(f"{where}: CAMEO {code} maps to {want}, "
                              f"not {plover}")
    if ev.get("modality") not in MODALITIES:
        errors.append(f"{where}: unknown modality {ev.get('modality')!r}")
    if "directed" in ev and ev["directed"] is not False:
        errors.append(f"{where}: 'directed' may only be false")


def check_line(obj, where, cameo_codes, plover_map, errors):
    if not isinstance(obj, dict):
        errors.append(f"{where}: not a JSON object")
        return False
    ok = True
    for k in REQUIRED:
        if k not in obj:
            errors.append(f"{where}: missing key {k!r}")
            ok = False
    for k in obj:
        if k not in REQUIRED:
            errors.append(f"{where}: unknown key {k!r}")
    if not ok:
        return False
    if not isinstance(obj["id"], str) or not re.fullmatch(r"(ev|ho)-\d{4}",
                                                          obj["id"]):
        errors.append(f"{where}: id {obj['id']!r} is not ev-NNNN or ho-NNNN")
    text = obj["text"]
    if not isinstance(text, str) or not text.strip():
        errors.append(f"{where}: empty text")
    else:
        if text != text.strip() or "\n" in text:
            errors.append(f"{where}: text has surrounding or inner newlines")
        if not re.search(r'[.!?]["\u201d]?$', text):
            errors.append(f"{where}: text does not end a sentence")
        # One sentence: no sentence end followed by a capital inside.
        if re.search(r'[a-z0-9)][.!?]["\u201d]? +[A-Z]', text[:-1]) and \
                not re.search(r'(U\.S|U\.N|Jr|St|Dr|Gen|No)\. [A-Z]', text):
            errors.append(f"{where}: text looks like more than one sentence")
    try:
        d = datetime.date.fromisoformat(obj["published"])
        if not DATE_MIN <= d <= DATE_MAX:
            errors.append(f"{where}: published {d} outside 2020-2025")
    except (TypeError, ValueError):
        errors.append(f"{where}: published {obj['published']!r} is not "
                      "YYYY-MM-DD")
    tags = obj["tags"]
    if not isinstance(tags, list) or not tags:
        errors.append(f"{where}: tags must be a non-empty list")
        tags = []
    for t in tags:
        if t not in TAGS:
            errors.append(f"{where}: unknown tag {t!r}")
    if len(set(tags)) != len(tags):
        errors.append(f"{where}: repeated tag")
    events = obj["events"]
    if not isinstance(events, list):
        errors.append(f"{where}: events must be a list")
        return False
    if len(events) > MAX_EVENTS:
        errors.append(f"{where}: more than {MAX_EVENTS} events")
    if not events and "no-event" not in tags:
        errors.append(f"{where}: no events but no 'no-event' tag")
    if events and "no-event" in tags:
        errors.append(f"{where}: 'no-event' tag on a line with events")
    seen = set()
    for i, ev in enumerate(events):
        check_event(ev, f"{where} event {i + 1}", cameo_codes, plover_map,
                    errors)
        if isinstance(ev, dict):
            key = tuple(ev.get(k) for k in EVENT_KEYS)
            if key in seen:
                errors.append(f"{where}: event {i + 1} repeats another")
            seen.add(key)
            tag = MODALITY_TAG.get(ev.get("modality"))
            if tag and tag not in tags:
                errors.append(f"{where}: {ev.get('modality')} event but no "
                              f"{tag!r} tag")
    return True


def coverage(lines):
    c = {}
    c["lines"] = len(lines)
    c["with_events"] = sum(1 for o in lines if o["events"])
    c["events"] = sum(len(o["events"]) for o in lines)
    c["per_sentence"] = collections.Counter(len(o["events"]) for o in lines)
    c["plover_sent"] = collections.Counter(
        p for o in lines for p in {e["plover"] for e in o["events"]})
    c["plover_ev"] = collections.Counter(
        e["plover"] for o in lines for e in o["events"])
    c["modality"] = collections.Counter(
        e["modality"] for o in lines for e in o["events"])
    c["tags"] = collections.Counter(t for o in lines for t in set(o["tags"]))
    c["cameo"] = collections.Counter(
        e["cameo"] for o in lines for e in o["events"])
    c["countries"] = {x for o in lines for e in o["events"]
                      for x in (e["source"], e["target"]) if x in ISO3}
    c["groups"] = collections.Counter(
        x for o in lines for e in o["events"]
        for x in (e["source"], e["target"]) if x in GROUPS)
    c["undirected"] = sum(1 for o in lines for e in o["events"]
                          if e.get("directed") is False)
    c["years"] = collections.Counter(o["published"][:4] for o in lines)
    return c


def shortfalls(c):
    out = []
    if c["lines"] < MIN_LINES:
        out.append(f"lines {c['lines']} < {MIN_LINES}")
    for p, n in MIN_PLOVER.items():
        if c["plover_sent"][p] < n:
            out.append(f"PLOVER {p}: {c['plover_sent'][p]} sentences < {n}")
    for t, n in MIN_TAGS.items():
        if c["tags"][t] < n:
            out.append(f"tag {t}: {c['tags'][t]} sentences < {n}")
    if len(c["cameo"]) < MIN_CAMEO:
        out.append(f"distinct CAMEO codes {len(c['cameo'])} < {MIN_CAMEO}")
    if len(c["countries"]) < MIN_COUNTRIES:
        out.append(f"distinct countries {len(c['countries'])} < "
                   f"{MIN_COUNTRIES}")
    return out


def print_text(c):
    print(f"lines: {c['lines']}  with events: {c['with_events']}  "
          f"no-event: {c['lines'] - c['with_events']}  events: {c['events']}")
    print("events per sentence: " + ", ".join(
        f"{k}: {v}" for k, v in sorted(c["per_sentence"].items())))
    print("PLOVER (sentences / events):")
    for p in PLOVER:
        print(f"  {p:<10} {c['plover_sent'][p]:>4} / {c['plover_ev'][p]:>4}")
    print("modality (events): " + ", ".join(
        f"{m} {c['modality'][m]}" for m in MODALITIES))
    print("tags (sentences): " + ", ".join(
        f"{t} {c['tags'][t]}" for t in TAGS))
    print(f"distinct CAMEO codes: {len(c['cameo'])}")
    print(f"distinct countries (ISO3): {len(c['countries'])}; "
          f"IGO events sides: {c['groups']['IGO']}, "
          f"IMG: {c['groups']['IMG']}")
    print(f"undirected events (directed: false): {c['undirected']}")
    print("published by year: " + ", ".join(
        f"{y} {n}" for y, n in sorted(c["years"].items())))


def print_markdown(c):
    print(f"| lines | with events | no-event | events |")
    print(f"|---|---|---|---|")
    print(f"| {c['lines']} | {c['with_events']} | "
          f"{c['lines'] - c['with_events']} | {c['events']} |")
    print()
    print("| PLOVER | sentences | events |")
    print("|---|---|---|")
    for p in PLOVER:
        print(f"| {p} | {c['plover_sent'][p]} | {c['plover_ev'][p]} |")
    print()
    print("| tag | sentences |")
    print("|---|---|")
    for t in TAGS:
        print(f"| {t} | {c['tags'][t]} |")
    print()
    print("| modality | events |")
    print("|---|---|")
    for m in MODALITIES:
        print(f"| {m} | {c['modality'][m]} |")
    print()
    print(f"- distinct CAMEO codes: {len(c['cameo'])}")
    print(f"- distinct countries (ISO3 codes as source or target): "
          f"{len(c['countries'])}")
    print(f"- event sides coded IGO: {c['groups']['IGO']}, "
          f"IMG: {c['groups']['IMG']}")
    print(f"- events marked `\"directed\": false`: {c['undirected']}")
    print("- events per sentence: " + ", ".join(
        f"{k}: {v}" for k, v in sorted(c["per_sentence"].items())))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", nargs="?", default=str(HERE / "sentences.jsonl"))
    ap.add_argument("--ontology", help="directory with cameo.tsv and "
                    "CAMEO2PLOVER-2021.txt")
    ap.add_argument("--no-coverage", action="store_true",
                    help="do not fail on coverage minimums")
    ap.add_argument("--markdown", action="store_true",
                    help="print the coverage as Markdown tables")
    args = ap.parse_args(argv)

    ontology = find_ontology(args.ontology)
    cameo_codes = load_cameo(ontology)
    plover_map = load_plover_map(ontology)
    if cameo_codes is None:
        print("notice: cameo.tsv not found, CAMEO codes not checked "
              "against the table", file=sys.stderr)
    if plover_map is None:
        print("notice: CAMEO2PLOVER-2021.txt not found, PLOVER/CAMEO "
              "agreement not checked", file=sys.stderr)

    errors = []
    lines = []
    ids = {}
    texts = {}
    try:
        f = open(args.path, encoding="utf-8")
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    with f:
        for n, raw in enumerate(f, 1):
            where = f"line {n}"
            if not raw.strip():
                errors.append(f"{where}: blank line")
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as e:
                errors.append(f"{where}: invalid JSON: {e}")
                continue
            if not check_line(obj, where, cameo_codes, plover_map, errors):
                continue
            if obj["id"] in ids:
                errors.append(f"{where}: id {obj['id']} already on line "
                              f"{ids[obj['id']]}")
            ids.setdefault(obj["id"], n)
            key = norm_text(str(obj["text"]))
            if key in texts:
                errors.append(f"{where}: same text as line {texts[key]}")
            texts.setdefault(key, n)
            lines.append(obj)

    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    try:
        c = coverage(lines)
    except (KeyError, TypeError, AttributeError):
        print("error: coverage not computed (invalid lines)", file=sys.stderr)
        return 1
    if args.markdown:
        print_markdown(c)
    else:
        print_text(c)
    missing = shortfalls(c)
    for m in missing:
        print(f"{'warning' if args.no_coverage else 'error'}: coverage: {m}",
              file=sys.stderr)
    failed = bool(errors) or (bool(missing) and not args.no_coverage)
    print(f"{len(lines)} lines checked, {len(errors)} errors"
          + ("" if args.no_coverage else f", {len(missing)} coverage gaps"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
