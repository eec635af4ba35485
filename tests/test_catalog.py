"""The capability catalog against the shipped signal data, both languages, and the domains
the assistant promises."""
from __future__ import annotations

import re

import json
from importlib import resources
from pathlib import Path

import pytest
import yaml

from smartcabin.capabilities import load_catalog
from smartcabin.signals import load_signals
from smartcabin.understanding.lexicon import load_lexicon
from smartcabin.vehicle import SimulatedVehicle

from helpers import REPO, has_cjk

CATALOG = load_catalog()
VSS_DIR = resources.files("smartcabin.data.vss")
SHARED = REPO.parent / "shared" / "vss"  # the contract folder beside the repo, as on CI


def _flatten(tree: dict, prefix: str, out: dict) -> None:
    for name, node in tree.items():
        path = f"{prefix}.{name}" if prefix else name
        if node.get("type") == "branch":
            _flatten(node.get("children", {}), path, out)
        else:
            out[path] = node["type"]


def shipped_signals() -> dict[str, str]:
    """path -> sensor|actuator|attribute, read straight from the shipped files."""
    out: dict[str, str] = {}
    _flatten(json.loads(VSS_DIR.joinpath("vss.json").read_text(encoding="utf-8")), "", out)
    for overlay in ("overlay.vspec", "product.vspec"):
        for path, node in (yaml.safe_load(VSS_DIR.joinpath(overlay).read_text(encoding="utf-8")) or {}).items():
            if node.get("type") != "branch":
                out[path] = node["type"]
    return out


SIGNALS = shipped_signals()


def _templates(cap) -> list[str]:
    return ([cap.signal] if cap.signal else []) + list(cap.writes) + list(cap.on_also) + list(cap.reads)


def _paths(cap, templates) -> list[str]:
    return [cap.path(zone, t) for t in templates for zone in cap.zone_names(None)]


@pytest.mark.parametrize("cap_id", list(CATALOG))
def test_every_signal_of_a_capability_exists_in_the_shipped_vss(cap_id):
    cap = CATALOG[cap_id]
    paths = _paths(cap, _templates(cap))
    assert paths or cap.kind == "action"
    missing = [p for p in paths if p not in SIGNALS]
    assert missing == []
    assert not any("{" in p for p in paths)  # every zone placeholder filled


@pytest.mark.parametrize("cap_id", [c for c in CATALOG if CATALOG[c].kind != "query"])
def test_every_written_signal_is_writable(cap_id):
    cap = CATALOG[cap_id]
    car = SimulatedVehicle()
    written = _paths(cap, ([cap.signal] if cap.signal else []) + list(cap.writes) + list(cap.on_also))
    for path in written:
        current = car.get(path)
        if current is not None:
            car.validate(path, current)  # raises if the signal is a sensor or the default is out of range


def test_the_signal_table_matches_the_shipped_files():
    assert set(load_signals()) == set(SIGNALS)


@pytest.mark.parametrize("cap_id", list(CATALOG))
def test_every_capability_has_zh_and_en_name_and_description(cap_id):
    cap = CATALOG[cap_id]
    for field in (cap.name, cap.description):
        assert field.get("en", "").strip()
        assert field.get("zh", "").strip()
        assert has_cjk(field["zh"])
        assert not has_cjk(field["en"])


ISSUE_DOMAINS = ["climate", "windows", "sunroof", "doors", "seats", "lights", "mirrors", "wipers",
                 "media", "navigation", "phone", "vehicle"]


@pytest.mark.parametrize("domain", ISSUE_DOMAINS)
def test_every_promised_domain_has_capabilities(domain):
    caps = [c for c in CATALOG.values() if c.domain == domain]
    assert caps
    if domain == "vehicle":  # vehicle questions: answered, never written
        assert all(c.kind == "query" for c in caps)
    else:
        assert any(c.kind != "query" for c in caps)


_FREE_TEXT_VERBS = {"media.play": "play_verbs", "navigation.go": "nav_verbs", "phone.call": "call_verbs"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_capability_can_be_named_in_both_languages(lang):
    raw = load_lexicon(lang).raw
    named = set(raw.get("devices", {}))
    named |= {spec["cap"] for specs in raw.get("phrases", {}).values() for spec in specs}
    named |= {c for caps in raw.get("ambiguous_devices", {}).values() for c in caps}
    named |= {cap for cap, key in _FREE_TEXT_VERBS.items() if raw.get(key)}
    assert [c for c in CATALOG if c not in named] == []


def test_the_package_does_not_read_shared_at_run_time():
    src = REPO / "src" / "smartcabin"
    reference = re.compile(r"\.\./shared|/work/shared|shared/(vss|eval-format)")
    offenders = [str(p.relative_to(REPO)) for p in src.rglob("*.py") if reference.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_vss_data_ships_inside_the_package():
    for name in ("vss.json", "overlay.vspec", "product.vspec"):
        assert VSS_DIR.joinpath(name).is_file()
    for name in ("capabilities.yaml", "safety.yaml", "default_car.yaml", "replies.yaml"):
        assert resources.files("smartcabin.data").joinpath(name).is_file()


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared contract folder is not on this machine")
@pytest.mark.parametrize("name", ["vss.json", "overlay.vspec"])
def test_shipped_vss_is_the_contracts_copy(name):
    assert VSS_DIR.joinpath(name).read_bytes() == (SHARED / name).read_bytes()


def test_default_car_names_only_known_signals():
    defaults = yaml.safe_load(resources.files("smartcabin.data").joinpath("default_car.yaml").read_text("utf-8"))
    assert [p for p in defaults if p not in SIGNALS] == []


def test_capabilities_doc_is_generated_from_the_catalog():
    from smartcabin.catalog_docs import markdown

    text = (REPO / "docs" / "capabilities.md").read_text(encoding="utf-8")
    generated, marker, _ = text.partition("\n<!-- Everything above is generated")
    assert marker, "the hand-written coverage section follows the generated part"
    assert generated == markdown()
