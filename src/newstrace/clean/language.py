"""Offline language identification of a report: its writing system, then function-word profiles.

The extractors read English only; a report in another language is stored but not analysed, and
says so.  Function words (articles, pronouns, prepositions, auxiliaries) make up a third to a half
of running text in every language listed here and barely overlap between them, so their share
per language identifies a report of a few sentences without a model or a download.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

UNDETERMINED = "und"  # too short or too few function words to say: analysed as English
MIN_WORDS = 20  # fewer words than this: undetermined
MIN_SHARE = 0.12  # the winning profile must cover at least this share of the words
MARGIN = 1.5  # ... and this many times English's share, to call a report not English

# The most frequent function words of each language (written for this module).
PROFILES: dict[str, frozenset[str]] = {name: frozenset(words.split()) for name, words in {
    "en": "the of and to in is that for it was on with as be by at this are have from or an not "
          "but they his her which were has had been their will would said who its we you there",
    "fr": "le la les des du de et un une est que qui dans pour pas sur au aux ce cette il elle ils "
          "sont ont avec par plus ne se son sa ses leur nous vous été mais ou été être fait comme",
    "de": "der die das und ist nicht ein eine einen dem den des zu mit sich auf für von im auch es "
          "sie er wir ich wird werden hat haben sind war aus bei nach wie oder aber noch dass",
    "es": "el la los las de del y en que un una es por con para no se su sus al lo como más pero "
          "fue ha han sido este esta son está entre sobre también desde muy",
    "it": "il lo la gli le di del della dei delle che e è un una per con non si sono da nel nella "
          "al alla anche come più ma ha hanno stato essere questo questa dopo",
    "pt": "o a os as de do da dos das e em um uma que não para com por se no na nos nas ao mais "
          "foi são como mas seu sua ele ela também pelo pela está ser",
    "nl": "de het een en van is dat in op te voor met niet zijn er aan ook als bij door naar om "
          "maar dan nog wel werd wordt heeft hebben was deze die dit uit over",
    "sv": "och i att det som en på är av för med till den har de inte om ett var jag vi sig men "
          "från ska kan så eller efter också när han hon",
    "da": "og i at det som en på er af for med til den har de ikke om et var vi sig men fra skal "
          "kan så eller efter også når han hun blev bliver",
    "no": "og i at det som en på er av for med til den har de ikke om et var vi seg men fra skal "
          "kan så eller etter også når han hun ble blir",
    "pl": "i w na z że nie się do jest to o jak po za od przez ale co tak dla jego jej oraz są był "
          "była być został może już tylko które który która",
    "tr": "ve bir bu da de için ile olarak çok daha gibi olan ama ancak en her kadar sonra ise "
          "değil mi var yok ya olduğu tarafından",
    "id": "dan yang di ke dari ini itu dengan untuk tidak dalam akan pada juga ada oleh sebagai "
          "karena atau bisa telah sudah mereka kami kita",
    "ro": "și în de la cu pe că nu un o este sunt din pentru care mai fost au se ca dar sau după "
          "prin această acest lui ei",
    "cs": "a v na se že je to s z do o k i jako pro ale by byl byla jsou jeho jejich také podle "
          "který která které již nebo",
    "fi": "ja on ei se että oli ovat hän mutta kun myös tai jos niin kuin sen ole olisi vain "
          "mukaan jälkeen vuonna joka jotka",
    "hu": "a az és hogy nem is egy ez meg van volt de csak már mint még azt kell lesz vagy után "
          "szerint pedig akkor amely",
}.items()}

# Writing systems other than Latin, by the first word of a character's Unicode name.
_SCRIPTS = {"CYRILLIC": "ru", "GREEK": "el", "ARABIC": "ar", "HEBREW": "he", "DEVANAGARI": "hi",
            "THAI": "th", "HANGUL": "ko", "HIRAGANA": "ja", "KATAKANA": "ja", "CJK": "zh",
            "GEORGIAN": "ka", "ARMENIAN": "hy", "BENGALI": "bn", "TAMIL": "ta"}
_UKRAINIAN_LETTERS = frozenset("іїєґІЇЄҐ")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def detect_language(text: str) -> str:
    """An ISO 639-1 code for the language of `text`, or "und" when there is too little to tell."""
    script = _main_script(text)
    if script is not None:
        return script
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return UNDETERMINED
    counts = Counter(words)
    shares = {lang: sum(counts[w] for w in profile) / len(words) for lang, profile in PROFILES.items()}
    best = max(shares, key=shares.__getitem__)
    if shares[best] < MIN_SHARE:
        return UNDETERMINED
    if best != "en" and shares[best] < shares["en"] * MARGIN:
        return "en"  # close to English: analyse it rather than drop it
    return best


def _main_script(text: str, sample: int = 4000) -> str | None:
    """The language of a non-Latin writing system holding most of the letters, else None."""
    letters = [c for c in text[:sample] if c.isalpha()]
    if not letters:
        return None
    scripts: Counter = Counter()
    for c in letters:
        if c.isascii():
            scripts["LATIN"] += 1
        else:
            scripts[unicodedata.name(c, "UNKNOWN").split(" ", 1)[0]] += 1
    script, n = scripts.most_common(1)[0]
    if script not in _SCRIPTS or n < len(letters) / 2:
        return None
    if script == "CYRILLIC" and any(c in _UKRAINIAN_LETTERS for c in letters):
        return "uk"
    if script == "CJK" and (scripts["HIRAGANA"] or scripts["KATAKANA"]):
        return "ja"
    return _SCRIPTS[script]
