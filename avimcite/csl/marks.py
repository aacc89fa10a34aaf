"""citeproc-js's table for two punctuation marks that meet where pieces are joined
(CSL.Output.Queue.adjust, LtoR_MAP): the left mark, the right one, what is printed. One table
for the engine (avimcite.csl.fixes, richtext, adjust) and the compiled form (quick)."""

MERGED = {
    "!": {".": "!", "?": "!?", ":": "!", ",": "!,", ";": "!;"},
    "?": {"!": "?!", ".": "?", ":": "?", ",": "?,", ";": "?;"},
    ".": {"!": ".!", "?": ".?", ":": ".:", ",": ".,", ";": ".;"},
    ":": {"!": "!", "?": "?", ".": ":", ",": ":,", ";": ":;"},
    ",": {"!": ",!", "?": ",?", ":": ",:", ".": ",.", ";": ",;"},
    ";": {"!": "!", "?": "?", ":": ";", ",": ";,", ".": ";"},
}
