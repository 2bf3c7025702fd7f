"""A service named in the visitor's own words ("voor mijn paspoort", "a BRP extract")."""
from __future__ import annotations

import difflib
import re

from dialogue.content.model import Content, Service

STOPWORDS = {"aanvragen", "een", "uit", "the", "for", "applying", "registering", "uw", "your", "with", "met", "van"}


def service_from_text(content: Content, text: str) -> Service | None:
    """A service named in free text (host-added services have no NLU examples, so match their names too)."""
    words = re.findall(r"\w+", text.lower())
    best, best_score = None, 0.0
    for service in content.services.values():
        for name in list(service.name.by_lang.values()) + [service.key.replace("_", " ")]:
            keywords = [w for w in re.findall(r"\w+", name.lower()) if len(w) > 3 and w not in STOPWORDS]
            hits = sum(1 for k in keywords if difflib.get_close_matches(k, words, n=1, cutoff=0.8))
            score = hits / len(keywords) if keywords else 0.0
            if score > best_score:
                best, best_score = service, score
    return best if best_score >= 0.5 else None
