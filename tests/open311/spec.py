"""Compare our GeoReport documents with the specification's own examples (fixtures/): the same
root, the same repeated members, no element or key the example lacks, the example's elements
present (except the optional ones named), and values of the same type."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
COLLECTIONS = {"services", "service_requests", "attributes", "values", "errors", "endpoints", "formats"}
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# Elements the specification marks "may not be returned" or conditional, per record element.
OPTIONAL = {
    "attribute": {"values"},  # only list datatypes have values
    "request": {"token", "service_request_id"},  # one or the other, by service type
}


def example_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def load_example_json(name: str):
    # The specification writes ids and codes as numbers with leading zeros (001): quote them.
    text = re.sub(r"(:\s*)(0\d+)(\s*[,}\n])", r'\1"\2"\3', example_text(name))
    return json.loads(text)


def assert_xml_like(ours: bytes | str, example: str, *, also: frozenset = frozenset()) -> ET.Element:
    """`also`: elements the specification's field table has but its example leaves out."""
    text = ours.decode() if isinstance(ours, bytes) else ours
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>'), text[:60]
    root = ET.fromstring(text.encode())
    expected = ET.fromstring(example_text(example).encode())
    assert root.tag == expected.tag
    _compare_xml(root, expected, root.tag, also)
    return root


def _compare_xml(ours: ET.Element, example: ET.Element, path: str, also: frozenset = frozenset()) -> None:
    example_children = list(example)
    ours_children = list(ours)
    if example.tag in COLLECTIONS:
        assert example_children, f"{path}: the example has members"
        member = example_children[0].tag
        for child in ours_children:
            assert child.tag == member, f"{path}: <{child.tag}> where <{member}> repeats"
            _compare_xml(child, example_children[0], f"{path}/{member}", also)
        return
    if not example_children:
        assert not ours_children, f"{path}: a value, not elements"
        _compare_value((example.text or "").strip(), (ours.text or "").strip(), path)
        return
    example_tags = [c.tag for c in example_children]
    ours_tags = [c.tag for c in ours_children]
    assert len(ours_tags) == len(set(ours_tags)), f"{path}: repeated elements {ours_tags}"
    foreign = set(ours_tags) - set(example_tags) - also
    assert not foreign, f"{path}: elements the specification does not have: {foreign}"
    missing = set(example_tags) - set(ours_tags) - OPTIONAL.get(example.tag, set())
    assert not missing, f"{path}: missing {missing}"
    for child in ours_children:
        if child.tag in also and example.find(child.tag) is None:
            continue
        _compare_xml(child, example.find(child.tag), f"{path}/{child.tag}", also)


def _compare_value(example: str, ours: str, path: str) -> None:
    if example in ("true", "false"):
        assert ours in ("true", "false"), f"{path}: boolean expected, got {ours!r}"
    elif W3C.match(example):
        assert ours == "" or W3C.match(ours), f"{path}: W3C datetime with zone expected, got {ours!r}"


def assert_json_like(ours, example: str, *, also: frozenset = frozenset()) -> None:
    _compare_json(ours, load_example_json(example), "$", also)


def _compare_json(ours, example, path: str, also: frozenset) -> None:
    if isinstance(example, list):
        assert isinstance(ours, list), f"{path}: array expected"
        for i, item in enumerate(ours):
            _compare_json(item, example[0], f"{path}[{i}]", also)
    elif isinstance(example, dict):
        assert isinstance(ours, dict), f"{path}: object expected, got {ours!r}"
        foreign = set(ours) - set(example) - also
        assert not foreign, f"{path}: keys the specification does not have: {foreign}"
        optional = set().union(*OPTIONAL.values())
        missing = set(example) - set(ours) - optional
        assert not missing, f"{path}: missing {missing}"
        for key, value in ours.items():
            if key in example:
                _compare_json(value, example[key], f"{path}.{key}", also)
            else:
                assert value is None or isinstance(value, str), f"{path}.{key}"
    elif isinstance(example, bool):
        assert isinstance(ours, bool), f"{path}: boolean expected, got {ours!r}"
    elif isinstance(example, (int, float)):
        # Ids, codes and coordinates: numbers in the examples; ours may be strings (ids) or null.
        assert ours is None or isinstance(ours, (int, float, str)) and not isinstance(ours, bool), path
    elif isinstance(example, str) and W3C.match(example):
        assert ours is None or (isinstance(ours, str) and W3C.match(ours)), f"{path}: W3C datetime, got {ours!r}"
    else:
        assert ours is None or isinstance(ours, (str, int, float)) and not isinstance(ours, bool), path
