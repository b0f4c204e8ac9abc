"""Shortening text for a list or a heading: whole words, then an ellipsis.

Text is stored whole and shortened only where it is shown, so nothing a person wrote
is lost and no word is ever cut in half ("…Karen's pho").
"""

ELLIPSIS = "…"
# Trailing punctuation that reads badly before an ellipsis ("lunch, …").
_DANGLING = " \t\n,;:.-\u2013\u2014(/"  # and en and em dashes


def shorten(text, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut between words and ending "…".

    Text that fits is returned unchanged (spaces and all). A first word longer than
    the limit is kept whole rather than cut.
    """
    text = "" if text is None else str(text)
    if len(text) <= limit:
        return text
    words = text.split()
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if len(candidate) + len(ELLIPSIS) > limit:
            break
        kept = candidate
    if not kept:
        kept = words[0] if words else ""
    return kept.rstrip(_DANGLING) + ELLIPSIS
