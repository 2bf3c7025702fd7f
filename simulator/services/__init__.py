"""The virtual Pepper's NAOqi services, one module per group (registered by simulator.robot)."""
from .life import (ABILITIES, LIFE_STATES, TRACKING_MODES, Abilities, ALAutonomousBlinking, ALAutonomousLife,
                   ALBackgroundMovement, ALBasicAwareness, ALListeningMovement, ALSpeakingMovement)
from .leds import ALLeds
from .memory import HEARD_EVENT, ALMemory
from .motion import ALMotion, ALRobotPosture, Body
from .people import ALEngagementZones, ALPeoplePerception
from .recognition import ALSpeechRecognition
from .sensors import SENSORS, TOUCH_EVENTS, ALBattery, ALTouch
from .speech import ALAnimatedSpeech, ALTextToSpeech, Voice
from .tablet import ALTabletService

__all__ = ["ABILITIES", "LIFE_STATES", "TRACKING_MODES", "Abilities", "ALAutonomousBlinking", "ALAutonomousLife",
           "ALBackgroundMovement", "ALBasicAwareness", "ALListeningMovement", "ALSpeakingMovement", "ALLeds",
           "HEARD_EVENT", "ALMemory", "ALMotion", "ALRobotPosture", "Body", "ALEngagementZones",
           "ALPeoplePerception", "ALSpeechRecognition", "SENSORS", "TOUCH_EVENTS", "ALBattery", "ALTouch",
           "ALAnimatedSpeech", "ALTextToSpeech", "Voice", "ALTabletService"]
