"""The human side of the benchmark results: a Markdown report with targets, and a plot."""
from __future__ import annotations

import operator
from pathlib import Path

# figure -> (comparison, target, what it means)
TARGETS = {
    "text_turn_greeting_p50_ms": (operator.le, 100, "text turn, greeting, p50"),
    "text_turn_greeting_p95_ms": (operator.le, 250, "text turn, greeting, p95"),
    "text_turn_lookup_p50_ms": (operator.le, 100, "text turn, name lookup, p50"),
    "text_turn_lookup_p95_ms": (operator.le, 250, "text turn, name lookup, p95"),
    "text_turn_checkin_p50_ms": (operator.le, 100, "text turn, check-in, p50"),
    "text_turn_checkin_p95_ms": (operator.le, 250, "text turn, check-in, p95"),
    "nlu_intent_f1_nl": (operator.ge, 0.95, "NLU intent F1, Dutch (cross-validation)"),
    "nlu_intent_f1_en": (operator.ge, 0.95, "NLU intent F1, English (cross-validation)"),
    "make_run_ready_s": (operator.le, 30, "`make run` to ready, trained model"),
    "memory_total_rss_mb": (operator.le, 2500, "resident memory, all processes, after 200 conversations"),
    "memory_growth_mb": (operator.le, 50, "memory growth over 200 conversations"),
    "spoken_intent_accuracy_nl_clean_pct": (operator.ge, 90, "held-out sentences spoken, intent accuracy, Dutch, clean"),
    "spoken_intent_accuracy_en_clean_pct": (operator.ge, 90, "held-out sentences spoken, intent accuracy, English, clean"),
    "spoken_intent_accuracy_nl_10db_pct": (operator.ge, 80, "held-out sentences spoken, intent accuracy, Dutch, 10 dB"),
    "spoken_intent_accuracy_en_10db_pct": (operator.ge, 80, "held-out sentences spoken, intent accuracy, English, 10 dB"),
    "spoken_typed_ratio_nl_clean": (operator.ge, 0.9, "spoken/typed accuracy on the same sentences, Dutch, clean"),
    "spoken_typed_ratio_en_clean": (operator.ge, 0.9, "spoken/typed accuracy on the same sentences, English, clean"),
    "spoken_cant_hear_pct": (operator.le, 2, "\"can't hear\" on clearly audible speech, %"),
    "spoken_wrong_language_turns_pct": (operator.le, 2, "turns answered in the wrong language, %"),
    "spoken_noise_to_intent_count": (operator.eq, 0, "noise turned into an intent"),
    "spoken_unrelated_to_intent_count": (operator.eq, 0, "unrelated speech turned into an intent"),
    "acoustic_intent_accuracy_nl_hall_babble_pct": (operator.ge, 85, "held-out sentences in a reverberant hall with babble, Dutch"),
    "acoustic_intent_accuracy_en_hall_babble_pct": (operator.ge, 85, "held-out sentences in a reverberant hall with babble, English"),
    "acoustic_name_accuracy_nl_clean_pct": (operator.ge, 95, "today's names said three ways, Dutch, clean"),
    "acoustic_name_accuracy_en_clean_pct": (operator.ge, 95, "today's names said three ways, English, clean"),
    "acoustic_name_accuracy_nl_10db_pct": (operator.ge, 90, "today's names said three ways, Dutch, 10 dB"),
    "acoustic_name_accuracy_en_10db_pct": (operator.ge, 90, "today's names said three ways, English, 10 dB"),
    "acoustic_not_heard_nl_pct": (operator.le, 3, "not heard (hall, babble, far field), Dutch, %"),
    "acoustic_not_heard_en_pct": (operator.le, 3, "not heard (hall, babble, far field), English, %"),
    "acoustic_false_cutoffs_pct": (operator.le, 2, "utterances with pauses cut off before their end, %"),
    "acoustic_names_taken_for_another_person_count": (operator.eq, 0, "a name taken for another person"),
    "speech_intent_accuracy_nl_clean_pct": (operator.ge, 90, "spoken intent accuracy, Dutch, clean"),
    "speech_intent_accuracy_en_clean_pct": (operator.ge, 90, "spoken intent accuracy, English, clean"),
    "speech_intent_accuracy_nl_10db_pct": (operator.ge, 80, "spoken intent accuracy, Dutch, 10 dB SNR"),
    "speech_intent_accuracy_en_10db_pct": (operator.ge, 80, "spoken intent accuracy, English, 10 dB SNR"),
    "speech_lang_id_accuracy_pct": (operator.ge, 95, "language identification accuracy"),
    "spoken_turn_end_to_first_word_p50_ms": (operator.le, 900, "end of speech → first spoken word, p50"),
    "soak_checkins_lost": (operator.eq, 0, "soak: check-ins lost"),
    "soak_crashes": (operator.eq, 0, "soak: crashes"),
    "soak_double_checkins": (operator.eq, 0, "soak: double check-ins"),
    "fleet_text_turn_p95_ms_n10": (operator.le, 250, "fleet of 10 robots, typing and speaking at once: text turn p95"),
    "fleet_memory_per_added_robot_mb": (operator.le, 100, "fleet: resident memory per added robot"),
    "fleet_cross_talk_count": (operator.eq, 0, "fleet: anything of a visitor reaching another robot"),
}
# baseline comparisons measured in the same run: (label, [(what, key), ...])
BASELINES = [
    ("NLU intent F1 on the held-out split, Dutch", [("trained Rasa NLU", "nlu_test_split_intent_f1_nl"),
                                                    ("keyword baseline", "nlu_keyword_baseline_test_split_f1_nl")]),
    ("NLU intent F1 on the held-out split, English", [("trained Rasa NLU", "nlu_test_split_intent_f1_en"),
                                                      ("keyword baseline", "nlu_keyword_baseline_test_split_f1_en")]),
    ("Vosk (Korean model) accuracy on expected phrases, clean %",
     [("free decoding", "vosk_ko_free_accuracy_clean_pct"), ("grammar only", "vosk_ko_grammar_accuracy_clean_pct"),
      ("grammar verified (Elvie)", "vosk_ko_verified_accuracy_clean_pct")]),
    ("Vosk (Korean model) accuracy on expected phrases, 10 dB %",
     [("free decoding", "vosk_ko_free_accuracy_10db_pct"), ("grammar only", "vosk_ko_grammar_accuracy_10db_pct"),
      ("grammar verified (Elvie)", "vosk_ko_verified_accuracy_10db_pct")]),
    ("Vosk false accepts on unexpected speech and noise %",
     [("free decoding", "vosk_ko_free_false_accept_pct"), ("grammar only", "vosk_ko_grammar_false_accept_pct"),
      ("grammar verified (Elvie)", "vosk_ko_verified_false_accept_pct")]),
]


def _verdict(key: str, value) -> str:
    if key not in TARGETS or not isinstance(value, (int, float)):
        return ""
    compare, target, _ = TARGETS[key]
    return "✅" if compare(value, target) else "❌"


def write_markdown(result: dict, path: Path) -> None:
    meta = result.get("meta", {})
    lines = ["# Elvie benchmark results", "",
             f"{meta.get('date')} · commit {meta.get('commit')} · {meta.get('cpus')} CPUs · Python "
             f"{meta.get('python')}{' · quick run' if meta.get('quick') else ''}"
             + "".join(f" · {', '.join(u['benchmarks'])} re-run {u['date']} at commit {u['commit']}"
                       for u in meta.get("updated") or []), "", "## Targets", "",
             "| figure | value | target | |", "|---|---|---|---|"]
    symbols = {operator.le: "≤", operator.ge: "≥", operator.eq: "="}
    for key, (compare, target, label) in TARGETS.items():
        value = result.get(key, "not measured")
        lines.append(f"| {label} (`{key}`) | {value} | {symbols[compare]} {target} | {_verdict(key, value)} |")
    lines += ["", "## Baselines (same run)", "", "| comparison | values |", "|---|---|"]
    for label, pairs in BASELINES:
        values = " · ".join(f"{what} **{result.get(key, 'not measured')}**" for what, key in pairs)
        lines.append(f"| {label} | {values} |")
    lines += _confusion_tables(result)
    lines += ["", "## All figures", "", "| key | value |", "|---|---|"]
    for key, value in result.items():
        if key != "meta" and not key.startswith("spoken_confusion_"):
            lines.append(f"| `{key}` | {value} |")
    if meta.get("errors"):
        lines += ["", "## Errors", ""] + [f"- **{name}**: {error}" for name, error in meta["errors"].items()]
    lines += ["", "Benchmark durations (s): " + ", ".join(f"{k} {v}" for k, v in
                                                         (meta.get("benchmark_duration_s") or {}).items())
              + (f"; total {meta['total_duration_s']} s" if meta.get("total_duration_s") else "")]
    if meta.get("run_side_by_side"):
        lines += ["", f"{', '.join(meta['run_side_by_side'])} ran side by side after the timed benchmarks (their "
                      "figures are accuracy, correctness and memory; durations they report were measured under that load)."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _confusion_tables(result: dict) -> list[str]:
    """Held-out spoken sentences: what each intent was taken for (both conditions), per language."""
    lines: list[str] = []
    for key in sorted(k for k in result if k.startswith("spoken_confusion_")):
        table = result[key]
        if not isinstance(table, dict):
            continue
        lines += ["", f"## Spoken confusion, {key.removeprefix('spoken_confusion_')} (said → understood, clean and 10 dB)",
                  "", "| said | right | taken for |", "|---|---|---|"]
        for intent, got in table.items():
            total = sum(got.values())
            wrong = ", ".join(f"{other} {n}" for other, n in got.items() if other != intent)
            lines.append(f"| {intent} | {got.get(intent, 0)}/{total} | {wrong} |")
    return lines


def write_plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("Text turn latency (ms)", [k for k in result if k.startswith("text_turn_") and k.endswith("_ms")], 250),
        ("Spoken accuracy, canonical phrases (%)", [k for k in result if k.startswith("speech_") and k.endswith("_pct")
                                                    and "accuracy" in k], None),
        ("Held-out sentences: spoken vs typed (%)", [k for k in result if k.startswith(("spoken_intent_accuracy_",
                                                                                        "typed_intent_accuracy_"))
                                                     and k.endswith("_pct") and "per_state" not in k], None),
        ("Acoustics: hall, babble, far field, names, pauses (%)",
         [k for k in result if k.startswith("acoustic_") and k.endswith("_pct")], None),
        ("Vosk: free vs grammar vs verified grammar (%)", [k for k in result if k.startswith("vosk_ko_") and k.endswith("_pct")], None),
        ("NLU F1 (trained vs keyword baseline)", [k for k in result if k.startswith("nlu_") and "f1" in k
                                                  and "_per_intent" not in k], None),
        ("Memory (MB)", [k for k in result if k.startswith("memory_") and k.endswith("_mb")], None),
    ]
    panels = [(title, [k for k in keys if isinstance(result.get(k), (int, float))], limit)
              for title, keys, limit in panels]
    panels = [p for p in panels if p[1]] or [("no figures", [], None)]
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 3.2 * len(panels)))
    axes = axes if hasattr(axes, "__len__") else [axes]
    for ax, (title, keys, limit) in zip(axes, panels):
        values = [result[k] for k in keys]
        colours = ["#2e7d32" if _verdict(k, result[k]) != "❌" else "#c62828" for k in keys]
        ax.barh(keys, values, color=colours)
        ax.set_title(title, fontsize=11)
        ax.tick_params(axis="y", labelsize=7)
        if limit:
            ax.axvline(limit, color="#555", linestyle="--", linewidth=1)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
