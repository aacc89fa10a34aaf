#!/usr/bin/env python3
"""Write a synthetic avimcite catalogue of N posts (for tests and benchmarks only).

Every post is invented and says so: titles start with "SYNTHETIC", URLs are on
avimbulten.org under /Synthetic/, and each post carries "synthetic": true. Never
ship the output. Deterministic for a given N and --seed.

    python bench/make_catalogue.py 100000 bench/out/posts-100000.json
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

GIVEN = ["Alev", "Ayşe", "İlter", "Ömer Engin", "Taras", "Maxime", "Tutku", "Özge Nur", "Teoman Ertuğrul", "Çağla",
         "Işıl", "Şükrü", "Gülşen", "Iver", "Khazar", "Deniz", "Hazel", "Uğur"]
FAMILY = ["Kılıç", "Şir", "Işık", "Lütem", "Kuzio", "Gauin", "Dilaver", "Öğütcü", "Tulun", "Çelik", "İnan",
          "Ilgaz", "Özdemir", "Şahin", "Ulusoy", "Zeybek", "Torikian", "Ünver", "Cem"]
WORDS_EN = ["ARMENIA", "AZERBAIJAN", "KARABAKH", "PEACE", "CAUCASUS", "ELECTION", "PATRIARCH", "ISTANBUL", "TREATY",
            "CORRIDOR", "DIPLOMACY", "GENOCIDE", "CLAIMS", "COURT", "REVIEW", "ENERGY", "BLACK", "SEA"]
WORDS_TR = ["ERMENİSTAN", "AZERBAYCAN", "KARABAĞ", "BARIŞ", "KAFKASYA", "SEÇİM", "PATRİK", "İSTANBUL", "ANTLAŞMA",
            "KORİDOR", "DİPLOMASİ", "İDDİA", "MAHKEME", "DEĞERLENDİRME", "ENERJİ", "KARADENİZ", "ÇATIŞMA", "ĞÜŞİÖÇ"]
SERIES = [("Blog", "en"), ("Blog", "tr"), ("Commentary", "en"), ("Yorum", "tr"), ("Analysis", "en"), ("Analiz", "tr")]  # fmt: skip


def make_posts(n: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    counters: dict[tuple[str, int], int] = {}
    posts = []
    start = date(2009, 1, 1)
    for i in range(n):
        series, lang = SERIES[i % len(SERIES)]
        published = start + timedelta(days=(i * 6000) // max(n, 1) + rng.randint(0, 3))
        key = (series, published.year)
        counters[key] = counters.get(key, 0) + 1
        words = WORDS_TR if lang == "tr" else WORDS_EN
        title = "SYNTHETIC " + " ".join(rng.choice(words) for _ in range(rng.randint(3, 9)))
        roll = rng.random()
        if roll < 0.25:
            authors = []
        elif roll < 0.3:
            authors = [{"literal": "European Jewish Congress"}]
        else:
            authors = [{"given": rng.choice(GIVEN), "family": rng.choice(FAMILY)} for _ in range(1 + (roll > 0.9))]
        post = {
            "series": series,
            "year": published.year,
            "number": counters[key],
            "language": lang,
            "title": title,
            "authors": authors,
            "published": published.isoformat(),
            "url": f"https://www.avimbulten.org/Synthetic/{series}/{published.year}/{counters[key]}",
        }
        if series == "Blog" and rng.random() < 0.5:
            post["source"] = {"name": "Eurasia Review", "date": published.isoformat(), "url": f"https://example.org/{i}"}
        post["synthetic"] = True
        posts.append(post)
    return posts


def write_catalogue(path: Path, n: int, seed: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"schema": "avimcite-catalogue/1", "posts": make_posts(n, seed)}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_catalogue(args.out, args.n, args.seed)
