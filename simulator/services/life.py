"""Autonomous Life, Basic Awareness and the autonomous abilities (blinking, background, listening
and speaking movements): one shared state, visible in getAutonomousAbilitiesStatus and the UI."""
from __future__ import annotations

import math
import time

from ..clock import Clock
from ..naoqi_api.binding import NaoqiError, NaoqiModule
from ..state import StateStore
from .memory import ALMemory
from .motion import Body

TRACKING_MODES = ("Head", "BodyRotation", "WholeBody", "MoveContextually")
BASE_MOVING_TRACKING = ("BodyRotation", "WholeBody", "MoveContextually")
ENGAGEMENT_MODES = ("Unengaged", "FullyEngaged", "SemiEngaged")
LIFE_STATES = ("solitary", "interactive", "disabled", "safeguard")
ABILITIES = ("AutonomousBlinking", "BackgroundMovement", "BasicAwareness", "ListeningMovement", "SpeakingMovement")
STIMULI = ("People", "Touch", "TabletTouch", "Sound", "Movement", "NavigationMotion")
AWARENESS_PARAMETERS = {"LookStimulusSpeed": 0.5, "LookBackSpeed": 0.3, "DoubleCheckStimulus": True,
                        "HeadThreshold": 0.1, "MaxHumanSearchTime": 10.0, "ForgetHumanTime": 4.0}
SPEAKING_MODES = ("random", "contextual")


class Abilities:
    """Which autonomous abilities are enabled; running = enabled while Autonomous Life is not disabled."""

    def __init__(self, state: StateStore):
        self._state = state

    def set(self, name: str, enabled: bool) -> None:
        def apply(s):
            s.abilities[name] = bool(enabled)
            if name == "BasicAwareness":
                s.awareness_enabled = bool(enabled)
        self._state.update(apply)

    def enabled(self, name: str) -> bool:
        return self._state.read(lambda s: s.abilities.get(name, True))

    def status(self) -> list[tuple[str, bool, bool]]:
        life, abilities = self._state.read(lambda s: (s.autonomous_life, dict(s.abilities)))
        return [(name, abilities.get(name, True), abilities.get(name, True) and life != "disabled")
                for name in ABILITIES]


class ALBasicAwareness(NaoqiModule):
    SERVICE = "ALBasicAwareness"

    def __init__(self, state: StateStore, memory: ALMemory, abilities: Abilities, body: Body):
        super().__init__()
        self._state = state
        self._memory = memory
        self._abilities = abilities
        self._body = body
        self._paused = False
        self._stimuli = {name: True for name in STIMULI}
        self._parameters = dict(AWARENESS_PARAMETERS)
        self._tracked: int | None = None
        self._next_stimulus = 1000

    def setEnabled(self, enabled):
        self._abilities.set("BasicAwareness", enabled)

    def isEnabled(self):
        return self._abilities.enabled("BasicAwareness")

    def startAwareness(self):
        self.setEnabled(True)

    def stopAwareness(self):
        self.setEnabled(False)

    def isAwarenessRunning(self):
        return self.isEnabled() and not self._paused

    def pauseAwareness(self):
        self._paused = True

    def resumeAwareness(self):
        self._paused = False

    def isAwarenessPaused(self):
        return self._paused

    def setStimulusDetectionEnabled(self, name, enabled):
        if name not in self._stimuli:
            raise NaoqiError(f"ALBasicAwareness::setStimulusDetectionEnabled\n\tunknown stimulus \"{name}\"; "
                             f"known: {', '.join(STIMULI)}")
        self._stimuli[name] = bool(enabled)

    def isStimulusDetectionEnabled(self, name):
        if name not in self._stimuli:
            raise NaoqiError(f"ALBasicAwareness::isStimulusDetectionEnabled\n\tunknown stimulus \"{name}\"")
        return self._stimuli[name]

    def setParameter(self, name, value):
        if name not in self._parameters:
            raise NaoqiError(f"ALBasicAwareness::setParameter\n\tunknown parameter \"{name}\"")
        self._parameters[name] = value

    def getParameter(self, name):
        if name not in self._parameters:
            raise NaoqiError(f"ALBasicAwareness::getParameter\n\tunknown parameter \"{name}\"")
        return self._parameters[name]

    def resetAllParameters(self):
        self._parameters = dict(AWARENESS_PARAMETERS)

    def setTrackingMode(self, mode):
        if mode not in TRACKING_MODES:
            raise NaoqiError(f"ALBasicAwareness::setTrackingMode\n\tunknown tracking mode \"{mode}\"")
        self._state.update(lambda s: setattr(s, "tracking_mode", mode))

    def getTrackingMode(self):
        return self._state.read(lambda s: s.tracking_mode)

    def setEngagementMode(self, mode):
        if mode not in ENGAGEMENT_MODES:
            raise NaoqiError(f"ALBasicAwareness::setEngagementMode\n\tunknown engagement mode \"{mode}\"")
        self._state.update(lambda s: setattr(s, "engagement_mode", mode))

    def getEngagementMode(self):
        return self._state.read(lambda s: s.engagement_mode)

    def engagePerson(self, person_id):
        people = self._state.read(lambda s: {p["id"]: p for p in s.people})
        if person_id not in people or not self.isAwarenessRunning():
            return False
        self.track(person_id, people[person_id]["position"])
        return True

    def triggerStimulus(self, position):
        self._next_stimulus += 1
        if self.isAwarenessRunning():
            self._look_at(position)
            self.emit("stimulusDetected", "Sound")
            self._memory.raiseEvent("ALBasicAwareness/StimulusDetected", "Sound")
        return self._next_stimulus

    # -- helpers (never exposed over qi)
    def reset_to_defaults(self) -> None:
        """What Autonomous Life does on every state change: BasicAwareness back to its defaults."""
        self._state.update(lambda s: (setattr(s, "tracking_mode", "BodyRotation"),
                                      setattr(s, "engagement_mode", "Unengaged")))

    def track(self, person_id: int, position: list[float]) -> None:
        if not self.isAwarenessRunning() or not self._stimuli["People"]:
            return
        mode = self.getTrackingMode()
        if mode in BASE_MOVING_TRACKING:
            self._state.update(lambda s: s.base_moves.append({"method": f"ALBasicAwareness tracking ({mode})",
                                                              "args": [person_id], "time": time.time()}))
        self._look_at(position)
        self._tracked = person_id
        self.emit("humanTracked", person_id)
        self._memory.raiseEvent("ALBasicAwareness/HumanTracked", person_id)

    def lose(self, person_id: int) -> None:
        if self._tracked == person_id:
            self._tracked = None
            self.emit("humanLost", True)
            self._memory.raiseEvent("ALBasicAwareness/HumanLost", person_id)

    def _look_at(self, position) -> None:
        x, y = float(position[0]), float(position[1])
        if self._body.joints.stiffness["HeadYaw"] > 0:
            self._body.joints.move_at_speed("HeadYaw", math.atan2(y, x), 0.2)


class ALAutonomousLife(NaoqiModule):
    SERVICE = "ALAutonomousLife"
    DEFAULTS = {"RobotOffsetFromFloor": 0.0, "SafeguardEnabled": True}

    def __init__(self, state: StateStore, memory: ALMemory, awareness: ALBasicAwareness, abilities: Abilities,
                 clock: Clock):
        super().__init__()
        self._state = state
        self._memory = memory
        self._awareness = awareness
        self._abilities = abilities
        self._clock = clock
        self._born = clock.now()
        self._history: list[tuple[str, int]] = [(state.read(lambda s: s.autonomous_life), int(time.time()))]
        self._monitoring = True

    def getState(self):
        return self._state.read(lambda s: s.autonomous_life)

    def setState(self, state):
        if state not in LIFE_STATES:
            raise NaoqiError(f"ALAutonomousLife::setState\n\tunknown state \"{state}\"; "
                             f"known: {', '.join(LIFE_STATES)}")
        self._state.update(lambda s: setattr(s, "autonomous_life", state))
        self._history.append((state, int(time.time())))
        self._awareness.reset_to_defaults()
        self._memory.raiseEvent("AutonomousLife/State", state)

    def focusedActivity(self):
        return ""

    def switchFocus(self, activity, *flags):
        raise NaoqiError(f"ALAutonomousLife::switchFocus\n\tactivity \"{activity}\" is not installed on this robot")

    def stopFocus(self):
        return None

    def stopAll(self):
        self.setState("disabled")

    def getFocusContext(self, name):
        return {}

    def getActivityContextPermissionViolations(self, name):
        return []

    def getActivityNature(self, activity):
        raise NaoqiError(f"ALAutonomousLife::getActivityNature\n\tactivity \"{activity}\" is not installed")

    def getActivityStatistics(self):
        return {}

    def getAutonomousActivityStatistics(self):
        return {}

    def getFocusHistory(self, depth=None):
        return []

    def getStateHistory(self, depth=None):
        history = list(self._history)
        return history[-depth:] if depth else history

    def getLifeTime(self):
        return int(self._clock.now() - self._born)

    def setAutonomousAbilityEnabled(self, ability, enabled):
        if ability not in ABILITIES:
            raise NaoqiError(f"ALAutonomousLife::setAutonomousAbilityEnabled\n\tunknown ability \"{ability}\"; "
                             f"known: {', '.join(ABILITIES)}")
        self._abilities.set(ability, enabled)

    def getAutonomousAbilityEnabled(self, ability):
        if ability not in ABILITIES:
            raise NaoqiError(f"ALAutonomousLife::getAutonomousAbilityEnabled\n\tunknown ability \"{ability}\"")
        return self._abilities.enabled(ability)

    def getAutonomousAbilitiesStatus(self):
        return self._abilities.status()

    def startMonitoringLaunchpadConditions(self):
        self._monitoring = True

    def stopMonitoringLaunchpadConditions(self):
        self._monitoring = False

    def isMonitoringLaunchpadConditions(self):
        return self._monitoring

    def getEnabledLaunchpadPlugins(self):
        return sorted(k[1] for k, v in self._settings.items() if k[0] == "LaunchpadPluginEnabled" and v)

    def getLaunchpadPluginsForGroup(self, group):
        return []


class _Ability(NaoqiModule):
    """ALAutonomousBlinking, ALBackgroundMovement, ALListeningMovement: setEnabled / isEnabled."""

    ABILITY = ""

    def __init__(self, abilities: Abilities):
        super().__init__()
        self._abilities = abilities

    def setEnabled(self, enabled):
        self._abilities.set(self.ABILITY, enabled)

    def isEnabled(self):
        return self._abilities.enabled(self.ABILITY)


class ALAutonomousBlinking(_Ability):
    SERVICE = ABILITY = "ALAutonomousBlinking"
    ABILITY = "AutonomousBlinking"


class ALBackgroundMovement(_Ability):
    SERVICE = "ALBackgroundMovement"
    ABILITY = "BackgroundMovement"


class ALListeningMovement(_Ability):
    SERVICE = "ALListeningMovement"
    ABILITY = "ListeningMovement"


class ALSpeakingMovement(_Ability):
    SERVICE = "ALSpeakingMovement"
    ABILITY = "SpeakingMovement"

    def __init__(self, abilities: Abilities):
        super().__init__(abilities)
        self._mode = "contextual"
        self._tags: dict = {}

    def setMode(self, mode):
        if mode not in SPEAKING_MODES:
            raise NaoqiError(f"ALSpeakingMovement::setMode\n\tunknown mode \"{mode}\"; known: random, contextual")
        self._mode = mode

    def getMode(self):
        return self._mode

    def addTagsToWords(self, tags_to_words):
        self._tags.update(dict(tags_to_words))

    def resetTagsToWords(self):
        self._tags.clear()
