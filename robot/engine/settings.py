"""The engine's documented settings."""
from __future__ import annotations

from dataclasses import dataclass

from dialogue.content.language_pack import DEFAULT_LANGUAGE


@dataclass(frozen=True)
class EngineSettings:
    default_lang: str = DEFAULT_LANGUAGE  # the language a conversation starts in
    idle_warning_s: float = 15.0  # the tablet warns this long before the idle reset
    goodbye_screen_s: float = 5.0  # the goodbye screen stays this long before a fresh start
    unmute_tail_s: float = 0.3  # keep recognition muted this long after Elvie stops speaking
    greet_on_arrival: bool = True
    # A visitor's turn whose answer takes longer than this (a slow Qmatic lookup, mostly): Elvie says and
    # shows "one moment, I'm looking it up" (utter_one_moment), once per turn. None: never.
    one_moment_after_s: float | None = 0.7
    idle_reset_s: float | None = None  # None: from locales/handover.yml
    idle_check_s: float = 0.5  # how often the idle watch looks
    # In a fleet (robot/fleet): conversation ids start with the robot's id, and every turn tells the
    # shared dialogue which robot and Qmatic branch it comes from. None: the single robot.
    robot_id: str | None = None
    qmatic_branch: int | None = None

    def dialogue_metadata(self) -> dict:
        return {**({"robot": self.robot_id} if self.robot_id else {}),
                **({"qmatic_branch": self.qmatic_branch} if self.qmatic_branch is not None else {})}
