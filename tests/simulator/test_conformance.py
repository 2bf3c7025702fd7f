"""Every public method and signal of the NAOqi listings exists on the virtual Pepper, over qi,
with its real name and parameter count (one qi method per overload); nothing else is exposed."""
from __future__ import annotations

from collections import Counter

import pytest

from simulator.naoqi_api.listing import SERVICES, public_entries

# Services Elvie's body calls (robot/naoqi/body.py): these must match the robot completely.
ELVIE_CALLS = ("ALMemory", "ALMotion", "ALRobotPosture", "ALBasicAwareness", "ALTextToSpeech", "ALAnimatedSpeech",
               "ALTabletService", "ALLeds", "ALAudioDevice", "ALAutonomousLife")
QI_OBJECT_METHODS = 100  # uids below: qi's own (metaObject, stats, trace...)


def offered(session, service: str) -> tuple[Counter, Counter, set[str]]:
    meta = session.service(service).metaObject()
    methods = Counter((m["name"], m["parametersSignature"]) for uid, m in meta["methods"].items()
                      if uid >= QI_OBJECT_METHODS)
    signals = Counter((s["name"], s["signature"]) for uid, s in meta["signals"].items() if uid >= QI_OBJECT_METHODS)
    names = {m["name"] for uid, m in meta["methods"].items() if uid >= QI_OBJECT_METHODS}
    return methods, signals, names


def arity(signature: str) -> int:
    """Number of parameters in a qi tuple signature like '(s[f]m)'."""
    depth, count = 0, 0
    for ch in signature[1:-1]:
        if depth == 0 and ch not in "]})>":
            count += 1
        if ch in "[{(<":
            depth += 1
        elif ch in "]})>":
            depth -= 1
    return count


def coverage(session, service: str) -> tuple[int, int, list[str]]:
    methods, signals, _ = offered(session, service)
    present_methods = Counter((name, arity(sig)) for (name, sig), n in methods.items() for _ in range(n))
    present_signals = {(name, arity(sig)) for name, sig in signals}
    missing, found = [], 0
    wanted = Counter()
    for entry in public_entries(service):
        key = (entry.name, len(entry.params))
        if entry.kind == "fn":
            wanted[key] += 1
            ok = present_methods[key] >= wanted[key]
        else:
            ok = key in present_signals
        found += ok
        if not ok:
            missing.append(f"{entry.kind} {entry.name}/{len(entry.params)}")
    return found, len(public_entries(service)), missing


@pytest.mark.parametrize("service", SERVICES)
def test_every_listed_method_and_signal_exists_with_its_parameter_count(session, service):
    found, total, missing = coverage(session, service)
    assert total > 0
    if service in ELVIE_CALLS:
        assert not missing, f"{service}: missing {missing}"
    assert found / total >= 0.95, f"{service}: {found}/{total}; missing {missing}"


def test_overall_coverage_is_complete(session):
    found = total = 0
    for service in SERVICES:
        f, t, _ = coverage(session, service)
        found, total = found + f, total + t
    assert total >= 600
    assert found / total >= 0.95


@pytest.mark.parametrize("service", SERVICES)
def test_real_parameter_types_and_no_helpers_are_exposed(session, service):
    methods, _, names = offered(session, service)
    listed = Counter((e.name, e.param_signature) for e in public_entries(service) if e.kind == "fn")
    assert methods == listed
    assert not [n for n in names if n.startswith("_")]
    assert names == {e.name for e in public_entries(service) if e.kind == "fn"}


def test_the_listings_are_the_robots(session):
    """A few known signatures, so a broken parser cannot make the conformance test pass vacuously."""
    methods, signals, _ = offered(session, "ALTabletService")
    assert ("showWebview", "()") in methods and ("showWebview", "(s)") in methods
    assert ("setOnTouchWebviewScaleFactor", "(f)") in methods
    assert ("onTouchDown", "(ff)") in signals and ("onJSEvent", "(s)") in signals
    methods, _, _ = offered(session, "ALLeds")
    assert {("fadeRGB", "(sffff)"), ("fadeRGB", "(ssf)"), ("fadeRGB", "(sif)")} <= set(methods)
    methods, _, _ = offered(session, "ALMotion")
    assert ("setAngles", "(mmf)") in methods and ("setAngles", "(mm[f])") in methods
    assert sum(n for (name, _), n in methods.items() if name == "moveTo") == 6
