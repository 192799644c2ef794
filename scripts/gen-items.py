#!/usr/bin/env python3
"""Writes a seeded import file of N synthetic items (Dutch domain vocabulary) for load tests.

Usage: gen-items.py N OUT.json   (uses the taxonomy and organisations of demo/)"""
import json
import random
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
activities = ["hulp bij schulden", "budgetcoaching", "formulierenhulp", "taalcafe", "koffieochtend",
              "maaltijdservice", "wandelgroep", "valpreventie", "mantelzorgondersteuning", "huiswerkbegeleiding",
              "opvoedondersteuning", "computerles", "repair cafe", "buurtmoestuin", "kledingbank", "dagbesteding",
              "vervoersdienst", "klusjesdienst", "energiecoaching", "zangkoor", "bezoekdienst", "sollicitatietraining"]
groups = ["ouderen", "jongeren", "kinderen", "ouders", "mantelzorgers", "nieuwkomers", "gezinnen", "buurtbewoners"]
words = ("hulp ondersteuning advies gesprek samen buurt wijk thuis zorg gezondheid geld schulden rekeningen "
         "administratie formulieren werk inkomen eenzaamheid contact ontmoeting activiteit vrijwilligers begeleiding "
         "maatje taal lezen computer gemeente wijkteam huisarts bewegen sport koken maaltijd boodschappen vervoer "
         "woning huishouden tuin klussen fiets kinderen opvoeding school jongeren ouders gezin ouderen dementie "
         "mantelzorger respijt somber verdriet rouw veiligheid inloop spreekuur afspraak wekelijks dorpshuis "
         "buurthuis bibliotheek natuur energie kleding voedsel cursus muziek creatief").split()
tax = json.load(open("demo/00-taxonomie.json"))["taxonomie"]
orgs = [o["externId"] for o in json.load(open("demo/10-organisaties.json"))["organisaties"]]
themes = [t["sleutel"] for t in tax["themas"]]
wijken = [t["sleutel"] for t in tax["wijken"]]
talents = [t["sleutel"] for t in tax["talenten"]]

def sentence(k):
    return " ".join(rng.choice(words) for _ in range(k)).capitalize() + "."

items = []
for i in range(n):
    kind = rng.choice(["voorziening"] * 5 + ["initiatief"] * 3 + ["vacature"] * 2)
    whole = rng.random() < 0.2
    lo = rng.choice([0, 4, 12, 18, 18, 55, 65])
    item = {
        "externId": f"load-{i}", "soort": kind, "organisatie": rng.choice(orgs),
        "titel": f"{rng.choice(activities).capitalize()} voor {rng.choice(groups)}",
        "samenvatting": sentence(12), "beschrijving": " ".join(sentence(rng.randint(8, 15)) for _ in range(5)),
        "themas": rng.sample(themes, rng.randint(1, 2)), "wijken": [] if whole else rng.sample(wijken, rng.randint(1, 3)),
        "heleGemeente": whole, "minLeeftijd": lo, "maxLeeftijd": min(120, lo + rng.choice([10, 30, 60, 120])),
        "kosten": rng.choice(["gratis", "gratis", "kleine-bijdrage", "betaald"]),
        "vacature": {"tijdsbesteding": rng.choice(["eenmalig", "incidenteel", "wekelijks"]), "urenPerWeek": 2,
                     "talenten": rng.sample(talents, 2)} if kind == "vacature" else None,
    }
    items.append(item)
json.dump({"aanbod": items}, open(out, "w"), ensure_ascii=False)
