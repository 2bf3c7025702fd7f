"""ALTabletService: what Pepper's tablet shows (web view, image, video, dialog), its signals, and a
tablet without network (Wi-Fi, APKs and firmware answer as on a robot that is offline)."""
from __future__ import annotations

from ..clock import Clock
from ..languages import installed_languages
from ..naoqi_api.binding import NaoqiModule
from ..state import StateStore

VIDEO_SECONDS = 30  # a video's length when the virtual tablet cannot read it


class ALTabletService(NaoqiModule):
    SERVICE = "ALTabletService"

    def __init__(self, state: StateStore, clock: Clock):
        super().__init__()
        self._state = state
        self._clock = clock
        self._loaded: str | None = None
        self._scale = 1.0
        self._touch_enabled = True
        self._video_started: float | None = None
        self._video_paused_at: float | None = None
        self._volume = 50

    def _show(self, **changes) -> None:
        def apply(s):
            for key, value in changes.items():
                s.tablet[key] = value
            s.tablet_url = s.tablet.get("url") if s.tablet.get("mode") == "webview" else None
            s.tablet_visible = s.tablet.get("mode") is not None
        self._state.update(apply)

    # -- web view
    def loadUrl(self, url):
        self._loaded = url
        self.emit("onPageStarted")
        self.emit("onPageFinished")
        return True

    def showWebview(self, url=None):
        target = url or self._loaded
        if url:
            self.loadUrl(url)
        self._show(mode="webview", url=target)
        return True

    def hideWebview(self):
        self._show(mode=None)
        return True

    def cleanWebview(self):
        self._loaded = None
        self._show(url=None)

    def reloadPage(self, bypass_cache):
        self.emit("onPageStarted")
        self.emit("onPageFinished")

    def loadApplication(self, name):
        self._loaded = f"http://198.18.0.1/apps/{name}/"
        return True

    def executeJS(self, script):
        self._state.update(lambda s: s.tablet.setdefault("scripts", []).append(script[:500]))

    def getOnTouchScaleFactor(self):
        return self._scale

    def setOnTouchWebviewScaleFactor(self, factor):
        self._scale = float(factor)

    def enableWebviewTouch(self):
        self._touch_enabled = True

    def disableWebviewTouch(self):
        self._touch_enabled = False

    # -- images
    def preLoadImage(self, url):
        return True

    def showImage(self, url):
        self._show(mode="image", image=url)
        self.emit("onImageLoaded")
        return True

    showImageNoCache = showImage

    def hideImage(self):
        self._show(mode=None, image=None)

    def resumeGif(self):
        self._show(gif_paused=False)

    def pauseGif(self):
        self._show(gif_paused=True)

    def setBackgroundColor(self, colour):
        self._show(background=colour)
        return True

    def hide(self):
        self._show(mode=None, image=None, video=None, dialog=None)

    # -- video
    def playVideo(self, url):
        self._video_started, self._video_paused_at = self._clock.now(), None
        self._show(mode="video", video=url, video_paused=False)
        self.emit("videoStarted")
        return True

    def pauseVideo(self):
        if self._video_started is None:
            return False
        self._video_paused_at = self._clock.now()
        self._show(video_paused=True)
        return True

    def resumeVideo(self):
        if self._video_started is None or self._video_paused_at is None:
            return False
        self._video_started += self._clock.now() - self._video_paused_at
        self._video_paused_at = None
        self._show(video_paused=False)
        return True

    def stopVideo(self):
        if self._video_started is None:
            return False
        self._video_started = self._video_paused_at = None
        self._show(mode=None, video=None)
        self.emit("videoFinished")
        return True

    def getVideoPosition(self):
        if self._video_started is None:
            return 0
        now = self._video_paused_at or self._clock.now()
        return int(min(VIDEO_SECONDS, now - self._video_started) * 1000)

    def getVideoLength(self):
        return VIDEO_SECONDS * 1000 if self._video_started is not None else 0

    # -- dialogs
    def showInputDialog(self, kind, title, ok, cancel, *rest):
        self._show(dialog={"type": kind, "title": title, "ok": ok, "cancel": cancel})

    def showInputTextDialog(self, title, ok, cancel, *rest):
        self._show(dialog={"type": "text", "title": title, "ok": ok, "cancel": cancel})

    def hideDialog(self):
        self._show(dialog=None)

    def setKeyboard(self, keyboard):
        return keyboard in self.getAvailableKeyboards()

    def getAvailableKeyboards(self):
        return ["English", "Dutch"]

    # -- screen
    def setBrightness(self, brightness):
        if not 0.0 <= brightness <= 1.0:
            return False
        self._show(brightness=float(brightness))
        return True

    def getBrightness(self):
        return self._state.read(lambda s: s.tablet.get("brightness", 1.0))

    def turnScreenOn(self, on):
        self._show(screen_on=bool(on))

    def goToSleep(self):
        self._show(screen_on=False)

    def wakeUp(self):
        self._show(screen_on=True)

    def setVolume(self, volume):
        if not 0 <= volume <= 15:
            return False
        self._volume = int(volume)
        return True

    def setTabletLanguage(self, language):
        return language in installed_languages() or language in installed_languages().values()

    # -- device, network (the virtual tablet is offline: no Wi-Fi, no store, no firmware server)
    def robotIp(self):
        return "198.18.0.1"

    def version(self):
        return "1.1.1"

    def getWifiStatus(self):
        return "DISCONNECTED"

    def enableWifi(self):
        return None

    def disableWifi(self):
        return None

    def connectWifi(self, ssid):
        self.emit("onWifiStatusChange", "DISCONNECTED")
        return False

    def disconnectWifi(self):
        return False

    def forgetWifi(self, ssid):
        return False

    def configureWifi(self, security, ssid, key):
        return False

    def getWifiMacAddress(self):
        return "00:00:00:00:00:00"

    def resetTablet(self):
        self.hide()

    # -- things that happen to the tablet (helpers, not qi methods)
    def touch(self, x: float, y: float) -> None:
        if not self._touch_enabled:
            return
        self.emit("onTouchDown", x, y)
        self.emit("onTouchDownRatio", x / 1280.0, y / 800.0, "webview")
        self.emit("onTouch", x, y)
        self.emit("onTouchUp", x, y)

    def js_event(self, data: str) -> None:
        self.emit("onJSEvent", data)

    def input_text(self, button: int, text: str) -> None:
        self.emit("onInputText", button, text)
        self._show(dialog=None)
