"""The `smartcabin` command line."""
from __future__ import annotations

import argparse
import glob
import json
import sys
from pathlib import Path

from .signals import SignalError
from .voice import EngineMissing
from .zones import SEATS

DEFAULT_CORPUS = "data/eval/*.jsonl"
MODEL_HELP = "an intent model file (default: the one `smartcabin train` wrote, else the packaged one)"


def _corpus(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in paths or [DEFAULT_CORPUS]:
        out += [Path(x) for x in sorted(glob.glob(p))] if any(c in p for c in "*?[") else [Path(p)]
    return out


def _format_value(v: object) -> str:
    return json.dumps(v, ensure_ascii=False)


def _model_arg(args: argparse.Namespace) -> Path | None:
    """--model PATH, checked here so a typo is an error, not a silent parser-only assistant."""
    if not getattr(args, "model", None):
        return None
    path = Path(args.model)
    if not path.is_file():
        raise SystemExit(f"smartcabin: no model file at {path}")
    return path


def cmd_say(args: argparse.Namespace) -> int:
    from .service.cockpit import Cockpit

    setup = json.loads(args.setup) if args.setup else {}
    if not isinstance(setup, dict):
        raise ValueError("--setup must be a JSON object of signal paths to values")
    if (args.text is None) == (args.audio is None):
        raise SystemExit("smartcabin say: give TEXT or --audio FILE.wav")
    cockpit = Cockpit.from_config(_model_arg(args), setup=setup)
    transcript: dict | None = None
    if args.audio is not None:
        heard = _heard(cockpit, args)
        transcript = {"text": heard.transcript.text, "lang": heard.transcript.lang, "engine": heard.transcript.engine,
                      "ms": round(heard.asr_ms, 1)}
        if heard.result is None:
            if args.json:
                print(json.dumps({"transcript": transcript, "outcome": "no_action", "writes": [], "changes": {}},
                                 ensure_ascii=False))
            else:
                print(f"(heard: {heard.transcript.text!r}) nothing reliable heard: no action")
            return 0
        result = heard.result
    else:
        result, _ = cockpit.turn(args.text, "say", args.zone)
    if args.json:
        print(json.dumps({**result.to_dict(), **({"transcript": transcript} if transcript else {})}, ensure_ascii=False))
    else:
        print(result.reply)
        for path, value in result.changes.items():
            print(f"  {path} = {_format_value(value)}")
    return 0


def _eval_audio(args: argparse.Namespace) -> int:
    from .voice import evaluation

    from .evaluation import load_cases
    from .voice.recordings import RecordedVoice, script

    langs = tuple(args.lang) if args.lang else ("en", "zh")
    if args.script:  # what to record for these cases, for --voice
        for line in script(c for c in evaluation.pick(load_cases(_corpus(args.files)), args.limit) if c.get("lang") in langs):
            print(json.dumps(line, ensure_ascii=False))
        return 0
    snrs = tuple(None if x == "clean" else float(x) for x in args.snr.split(","))
    recordings = tuple(RecordedVoice(folder) for folder in args.voice or ())  # AudioError: a clear message
    if args.recorded_only and not recordings:
        raise SystemExit("smartcabin eval: --recorded-only needs --voice FOLDER")
    report = evaluation.run(_corpus(args.files), args.limit, snrs, langs=langs, recognizer=args.recognizer,
                            progress=lambda line: print(line, file=sys.stderr, flush=True),
                            recordings=recordings, recorded_only=args.recorded_only)
    print(evaluation.table(report))
    if args.report:
        Path(args.report).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


def _heard(cockpit, args: argparse.Namespace):
    """One turn from a WAV file, through the voice loop as a press-to-talk utterance."""
    from .voice.audio import read_wav
    from .voice.engines import PUSH_TO_TALK, VoiceEngines

    audio = read_wav(args.audio)  # AudioError: a clear message, no turn
    engines = VoiceEngines.from_config(speak=False)
    loop = engines.loop(lambda heard: cockpit.turn(heard.text, "say", args.zone, heard.confidence)[0], zone=args.zone,
                        lang=args.lang, wake=PUSH_TO_TALK)
    heard = engines.one_utterance(loop, audio)
    assert heard is not None
    return heard


def cmd_listen(args: argparse.Namespace) -> int:
    """The voice loop on this machine's microphone and loudspeaker, until Ctrl-C."""
    from .events import EventType
    from .service.cockpit import Cockpit
    from .voice.devices import Loudspeaker, microphone
    from .voice.engines import VoiceEngines

    if args.wake == "push":
        raise SystemExit("smartcabin listen: needs a wake word here; push-to-talk is say --audio (and, to come, the web cockpit)")
    cockpit = Cockpit.from_config(_model_arg(args))
    engines = VoiceEngines.from_config()
    shown = {EventType.WAKE: "listening", EventType.TRANSCRIPT: "heard", EventType.NOT_HEARD: "not heard",
             EventType.BARGE_IN: "stopped", EventType.FOLLOW_UP: "listening (no wake word needed)"}

    def show(e) -> None:
        if e.type in shown:
            print(f"[{args.zone}] {shown[e.type]} {e.data.get('text', '')}".rstrip(), flush=True)

    def turn(heard):
        result = cockpit.turn(heard.text, f"voice-{args.zone}", args.zone, heard.confidence)[0]
        print(f"assistant> {result.reply}   [{result.outcome}]", flush=True)
        return result

    loop = engines.loop(turn, zone=args.zone, lang=args.lang, wake=args.wake, player=Loudspeaker(), on_event=show)
    print(f"smartcabin listening on the microphone as {args.zone}; say '{loop.wake.phrase}' (Ctrl-C to stop)",
          flush=True)
    try:
        for data in microphone(loop.vad.chunk_samples):
            loop.feed(data)
    except KeyboardInterrupt:
        return 0
    return 0


def cmd_wyoming(args: argparse.Namespace) -> int:
    """smartcabin as a Wyoming service: speech to text, text to speech, intent handling."""
    import asyncio

    from .service.cockpit import Cockpit
    from .voice.engines import VoiceEngines
    from .voice.wyoming_server import serve

    cockpit = Cockpit.from_config(_model_arg(args))
    engines = VoiceEngines.from_config()
    print(f"smartcabin Wyoming service at {args.uri} (seat {args.zone})", flush=True)
    try:
        asyncio.run(serve(args.uri, engines.recognizer, engines.speech,
                          lambda text, zone: cockpit.turn(text, f"wyoming-{zone}", zone)[0], args.zone))
    except KeyboardInterrupt:
        pass
    return 0


def cmd_transcribe(args: argparse.Namespace) -> int:
    from .voice.audio import MAX_FILE_S, read_wav
    from .voice.whisper import WhisperRecognizer

    audio = read_wav(args.file, max_seconds=MAX_FILE_S)
    heard = WhisperRecognizer().transcribe(audio, args.lang)
    if args.json:
        print(json.dumps({"text": heard.text, "lang": heard.lang, "engine": heard.engine,
                          "confidence": heard.confidence, "seconds": round(heard.seconds, 3)}, ensure_ascii=False))
    else:
        print(heard.text)
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from .understanding.router import EdgeUnderstanding

    from .names import car_names
    from .understanding.naming import index_for

    u = EdgeUnderstanding(args.mode, _model_arg(args)).understand(args.text, args.context,
                                                                  names=index_for(car_names()))
    data = u.to_dict()
    handled = u.act not in ("none", "clarify")
    data["route"] = "edge" if handled else "llm"
    print(json.dumps(data, ensure_ascii=False, indent=None if args.json else 2))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    if args.audio:
        return _eval_audio(args)
    from .evaluation import report, run_cases, wrong_actions

    files = _corpus(args.files)
    results = run_cases(files, mode=args.mode, model=_model_arg(args))
    result, wrong = report(results), wrong_actions(results)
    if args.report:
        Path(args.report).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    s = result["summary"]
    print(f"cases {s['cases']}  passed {s['passed']}  accuracy {s['accuracy']:.3f}  "
          f"wrong-action rate {wrong['wrong_action_rate']:.3f} of turns ({wrong['wrong_action_cases']} cases)")
    for name, row in wrong["by_set"].items():
        print(f"  {name:24} cases {row['cases']:4}  accuracy {row['accuracy']:.3f}  wrong-action rate {row['wrong_action_rate']:.3f}")
    print("by language: " + "  ".join(f"{k} {v:.3f}" for k, v in s["by_lang"].items()))
    print("by domain:   " + "  ".join(f"{k} {v:.3f}" for k, v in s["by_domain"].items()))
    lat = s["latency_ms"]
    print(f"latency ms: p50 {lat['p50']}  p95 {lat['p95']}  p99 {lat['p99']}   routes {s['routes']}")
    if args.failures:
        for r, c in zip(results, result["cases"]):  # ids repeat across sets: each result's own
            if not c["passed"]:
                texts = " | ".join(t["text"] for t in c["turns"])
                bad = r.wrong
                extra = f"\n     WRONG WRITES: {', '.join(bad)}" if bad else ""
                print(f"FAIL {r.set}:{c['id']}: {texts}\n     " + "\n     ".join(c["failures"]) + extra)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import main as bench_main

    return bench_main(_corpus(args.files), args.rounds, args.json, args.mode, args.cores, args.warm,
                      _model_arg(args))


def cmd_score_logs(args: argparse.Namespace) -> int:
    from .logscore import read_lines, score
    from .names import car_names
    from .understanding.router import EdgeUnderstanding

    modes = args.mode or ["parser", "model", "hybrid"]
    table = {}
    for mode in modes:
        edge = EdgeUnderstanding(mode, _model_arg(args))
        edge.warm_up()
        rows = [r for path in args.files for r in read_lines(Path(path))]
        if args.unseen_in:  # only the lines those logs do not hold word for word
            from .model.classifier import memory_key

            known = {memory_key(r["text"], None) for path in args.unseen_in for r in read_lines(Path(path))}
            rows = [r for r in rows if memory_key(r["text"], None) not in known]
        table[mode] = score(rows, edge, None if args.no_names else car_names()).to_dict()
        for lang, row in [("all", table[mode]), *table[mode].get("by_lang", {}).items()]:
            print(f"{mode:7} {lang:3} turns {row['turns']:5}  intent accuracy {row['intent_accuracy']:.3f}  "
                  f"macro-F1 {row['intent_macro_f1']:.3f}  slot F1 {row['slot_f1']:.3f}  exact {row['exact']:.3f}  "
                  f"wrong-action rate {row['wrong_action_rate']:.3f}" + (f"  by {row['sources']}" if lang == "all" else ""))
    if args.json:
        Path(args.json).write_text(json.dumps(table, indent=1), encoding="utf-8")
    return 0


def cmd_catalog(args: argparse.Namespace) -> int:
    from .capabilities import load_catalog
    from .catalog_docs import markdown

    if args.markdown:
        print(markdown(), end="")
    else:
        from .catalog_docs import counts_line
        print(counts_line())
        for cap in load_catalog().values():
            print(f"{cap.id:28} {cap.kind:7} {cap.description['en']}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .model.paths import user_model

    if args.only and not (args.add and args.out):
        raise SystemExit("smartcabin: --only trains on the --add logs alone and needs --out "
                         "(a reference model is never the car's own)")
    from .training.logs import read_logs
    from .training.train import train

    extra = []
    for path in args.add or []:
        extra += read_logs(Path(path))
        print(f"{path}: {len(extra)} labelled lines")
    out = Path(args.out) if args.out else user_model()
    train(out, seed=args.seed, extra=extra, cache=Path(args.cache) if args.cache else None, layers=args.layers,
          base=not args.only)
    print(f"model written to {out}" + ("" if args.out else " (the assistant loads it from there; delete it to go back to the packaged model)"))
    return 0


def cmd_reminders(args: argparse.Namespace) -> int:
    from .reminders import ReminderStore

    store = ReminderStore(Path(args.store) if args.store else None)
    if args.ics:
        Path(args.ics).write_text(store.to_ics(), encoding="utf-8", newline="")
        print(f"{len(store.all())} reminders written to {args.ics}")
        return 0
    for r in store.all():
        print(f"{r.when}  {r.title}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from .chat import run_chat

    return run_chat(zone=args.zone, review_log=Path(args.review_log) if args.review_log else None,
                    model=_model_arg(args))


def cmd_serve(args: argparse.Namespace) -> int:
    import os
    import secrets

    import uvicorn

    from .service.app import create_app
    from .service.cockpit import Cockpit
    from .service.limits import is_loopback

    token = args.token or os.environ.get("SMARTCABIN_TOKEN") or None
    if token is None and not is_loopback(args.host):
        token = secrets.token_urlsafe(18)  # off loopback a token is required: one is made if none is given
        print(f"listening beyond loopback: requests need the token {token}", flush=True)
    # without a token only this machine's own names are served: another site's page in the
    # user's browser cannot reach the service through a rebound DNS name
    hosts = None if token else frozenset({"127.0.0.1", "localhost", "::1", args.host})
    app = create_app(Cockpit.from_config(_model_arg(args)), token=token, hosts=hosts)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"smartcabin cockpit: http://{shown}:{args.port}/" + (f"#token={token}" if token else ""), flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", ws_max_size=64 * 1024)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="smartcabin", description="Edge-first cockpit assistant.")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("chat", help="talk to the assistant on the embedded simulator")
    p.add_argument("--zone", choices=SEATS, default="Row1.DriverSide", help="speaker's seat")
    p.add_argument("--review-log", help="append turns routed away or failed here, for labelling")
    p.add_argument("--model", help=MODEL_HELP)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("serve", help="the HTTP/WebSocket service and the web cockpit on the simulator")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback only)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--token", help="required of every request (default $SMARTCABIN_TOKEN; made up off loopback)")
    p.add_argument("--model", help=MODEL_HELP)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("say", help="one turn on a fresh simulated car, from text or a recording")
    p.add_argument("text", nargs="?")
    p.add_argument("--audio", metavar="FILE.wav", help="the turn spoken: recognized first (the transcript is printed too)")
    p.add_argument("--lang", choices=("zh", "en"), help="the speaker's language, for --audio (default: detected)")
    p.add_argument("--zone", choices=SEATS, default="Row1.DriverSide", help="speaker's seat")
    p.add_argument("--setup", help='initial signals as JSON, e.g. \'{"Vehicle.Speed": 60}\'')
    p.add_argument("--json", action="store_true", help="print the turn object of eval-format.md")
    p.add_argument("--model", help=MODEL_HELP)
    p.set_defaults(func=cmd_say)

    p = sub.add_parser("listen", help="the voice loop on this machine's microphone (wake word, speech in and out)")
    p.add_argument("--zone", choices=SEATS, default="Row1.DriverSide", help="the seat this microphone hears")
    p.add_argument("--lang", choices=("zh", "en"), help="the speaker's language (default: detected)")
    p.add_argument("--wake", default="hey_mycroft",
                   help="wake model: hey_mycroft, okay_nabu, hey_jarvis, alexa (English phrases), or "
                        "'phrase:WORDS' for your own phrase by keyword spotting (four syllables or more)")
    p.add_argument("--model", help=MODEL_HELP)
    p.set_defaults(func=cmd_listen)

    p = sub.add_parser("wyoming", help="a Wyoming service (Home Assistant voice satellites): speech in and out, intents")
    p.add_argument("--uri", default="tcp://127.0.0.1:10700", help="where to listen (tcp://HOST:PORT or unix://PATH)")
    p.add_argument("--zone", choices=SEATS, default="Row1.DriverSide", help="the seat its clients speak from")
    p.add_argument("--model", help=MODEL_HELP)
    p.set_defaults(func=cmd_wyoming)

    p = sub.add_parser("transcribe", help="print what a recording says (Whisper base, offline)")
    p.add_argument("file", metavar="FILE.wav")
    p.add_argument("--lang", choices=("zh", "en"), help="the speaker's language (default: detected)")
    p.add_argument("--json", action="store_true", help="text, language, engine, confidence, seconds")
    p.set_defaults(func=cmd_transcribe)

    p = sub.add_parser("parse", help="show the understanding of a sentence (debugging)")
    p.add_argument("text")
    p.add_argument("--mode", choices=("hybrid", "parser", "model"), default="hybrid")
    p.add_argument("--context", help="domain of the previous turn, e.g. media")
    p.add_argument("--json", action="store_true", help="one line of JSON")
    p.add_argument("--model", help=MODEL_HELP)
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("eval", help="run evaluation cases (eval-format.md)")
    p.add_argument("files", nargs="*", help=f"JSONL files (default {DEFAULT_CORPUS})")
    p.add_argument("--audio", action="store_true",
                   help="speak the cases (two voices per language, car noise) and run them through the voice loop")
    p.add_argument("--limit", type=int, default=20, help="--audio: cases per language (default 20)")
    p.add_argument("--snr", default="clean,20,10,5", help="--audio: noise levels in dB, 'clean' for none")
    p.add_argument("--lang", action="append", choices=("en", "zh"), help="--audio: only this language")
    p.add_argument("--recognizer", choices=("whisper", "fast"), default="whisper",
                   help="--audio: whisper for both languages, or fast: English commands through pocketsphinx first")
    p.add_argument("--voice", action="append", metavar="FOLDER",
                   help="--audio: recorded speech as a further voice (FOLDER/recordings.jsonl: file, text, lang)")
    p.add_argument("--recorded-only", action="store_true", help="--audio: the --voice recordings alone")
    p.add_argument("--script", action="store_true",
                   help="--audio: print the sentences to record for these cases (JSON lines of text and lang)")
    p.add_argument("--report", help="write the JSON report here")
    p.add_argument("--failures", action="store_true", help="list failing cases")
    p.add_argument("--mode", choices=("hybrid", "parser", "model", "local_llm", "cloud_llm"),
                   help="who understands: parser and model together, or one alone (default: the assistant's); "
                        "local_llm / cloud_llm: the LLM tier answers every turn")
    p.add_argument("--model", help=MODEL_HELP)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="edge latency percentiles, cold start, peak RSS")
    p.add_argument("files", nargs="*", help=f"JSONL corpus (default {DEFAULT_CORPUS})")
    p.add_argument("--rounds", type=int, default=3, help="repetitions for --warm")
    p.add_argument("--mode", choices=("hybrid", "parser", "model"), default="hybrid")
    p.add_argument("--cores", type=int, default=1, help="CPU cores the benchmark may use (default 1)")
    p.add_argument("--warm", action="store_true", help="also the warm figure: repeated sentences, filled caches")
    p.add_argument("--model", help=MODEL_HELP)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("score-logs", help="intent and slot F1 on labelled logs (the train --add format)")
    p.add_argument("files", nargs="+")
    p.add_argument("--mode", action="append", choices=("parser", "model", "hybrid"),
                   help="rules alone, model alone, both (default: all three)")
    p.add_argument("--model", help=MODEL_HELP)
    p.add_argument("--no-names", action="store_true", help="without the car's own names")
    p.add_argument("--unseen-in", action="append", metavar="LOGS.jsonl",
                   help="score only the lines these (training) logs do not hold word for word")
    p.add_argument("--json", help="write the figures here")
    p.set_defaults(func=cmd_score_logs)

    p = sub.add_parser("train", help="rebuild the edge intent model (seeded)")
    p.add_argument("--add", action="append", metavar="LOGS.jsonl",
                   help="labelled in-car logs to adapt the model with (repeatable)")
    p.add_argument("--only", action="store_true",
                   help="train on the --add logs alone (the data loop's reference model)")
    p.add_argument("--out", help="where to write the model (default: the user's data directory, "
                   "$XDG_DATA_HOME/smartcabin/model/intent.npz, which the assistant then loads)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cache", help="embedding cache file (default: ~/.cache/smartcabin/)")
    p.add_argument("--layers", type=int, choices=range(1, 13), metavar="1-12",
                   help="encoder layers the classifier reads (default: embedder.EDGE_LAYERS; 12 = all)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("reminders", help="list stored reminders, or export them as iCalendar")
    p.add_argument("--ics", help="write an .ics file here")
    p.add_argument("--store", help="the reminder store (default ~/.local/share/smartcabin/reminders.json)")
    p.set_defaults(func=cmd_reminders)

    p = sub.add_parser("catalog", help="list the capability catalog")
    p.add_argument("--markdown", action="store_true", help="the docs/capabilities.md page")
    p.set_defaults(func=cmd_catalog)

    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, IsADirectoryError, ValueError, SignalError, EngineMissing) as exc:
        print(f"smartcabin: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
