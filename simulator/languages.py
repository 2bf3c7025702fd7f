"""The language packs installed on the virtual Pepper: every language Elvie has content for, by its NAOqi
name (`naoqi_language` in locales/<lang>/language.yml) with Elvie's code. A real Pepper lists its own
(ALTextToSpeech.getAvailableLanguages); adding a language folder installs it on the virtual one."""
from __future__ import annotations

from dialogue.content.language_pack import all_packs


def installed_languages() -> dict[str, str]:
    """{'Dutch': 'nl', 'English': 'en'}."""
    return {pack.naoqi_language: pack.lang for pack in all_packs()}
