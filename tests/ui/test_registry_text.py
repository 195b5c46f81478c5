"""The registries' vocabulary in both languages: every kind, status, step, field and choice
has an English name, and the Chinese catalogue gives back exactly the domain's word (the
bureau's term, which import files also use), so the two can never drift apart."""

from __future__ import annotations

import re

from command_center.domain.registries import KINDS
from command_center.ui import registry_text as rt

CJK = re.compile(r"[\u4e00-\u9fff]")


def _everything():
    for k in KINDS.values():
        yield ("kind", k, None, None), k.label, rt.kind_label(k)
        for s in k.statuses:
            yield ("status", k, s.key, None), s.label, rt.status_label(k, s.key)
        for st in k.steps:
            yield ("step", k, st.key, None), st.label, rt.step_label(k, st.key)
        for f in k.fields:
            yield ("field", k, f.key, None), f.label, rt.field_label(k, f)
            for value, label in f.choices:
                yield ("choice", k, f.key, value), label, rt.choice_label(k, f, value)


def test_every_name_has_an_english_source():
    for k in KINDS.values():
        keys = {"kind"} | {f"status:{s.key}" for s in k.statuses}
        keys |= {f"step:{s.key}" for s in k.steps} | {f"field:{f.key}" for f in k.fields}
        keys |= {f"choice:{f.key}:{v}" for f in k.fields for v, _ in f.choices}
        assert set(rt.ENGLISH[k.key]) == keys, k.key
        assert not any(CJK.search(text) for text in rt.ENGLISH[k.key].values())


def test_english_names_in_english(use_lang):
    use_lang("en")
    for what, domain, shown in _everything():
        assert shown and not CJK.search(shown), (what, domain, shown)
    assert rt.kind_label("illegal_buildings") == "Illegal buildings"
    assert rt.status_label("markets", "open") == "Open"
    assert rt.step_label("markets", "open") == "Open for business"


def test_chinese_names_are_the_domains_words(use_lang):
    use_lang("zh_CN")
    for what, domain, shown in _everything():
        assert shown == domain, what
    # A field found by itself (the import dialog's and the forms' way) names the same.
    f = KINDS["components"].field("component_type")
    assert rt.label_of_field(f) == "部件类型" and rt.label_of_choice(f, "drain") == "雨水篦子"
    assert rt.choice_label("components", f, "bench") == "bench"  # not a choice: as it is


def test_units_that_are_words_follow_the_language(use_lang):
    stalls = KINDS["markets"].field("stalls")
    budget = KINDS["projects"].field("budget_wan")
    area = KINDS["illegal_buildings"].field("area_m2")
    use_lang("en")
    assert (rt.unit_label(stalls), rt.unit_label(budget), rt.unit_label(area)) == (
        "pcs",
        "10k yuan",
        "m²",
    )
    use_lang("zh_CN")
    assert (rt.unit_label(stalls), rt.unit_label(budget), rt.unit_label(area)) == (
        "个",
        "万元",
        "m²",
    )
