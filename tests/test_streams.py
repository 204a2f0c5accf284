"""Keyed random streams: reproducible, split-invariant, and statistically sound."""

import numpy as np

from myotwin import streams


def test_same_address_same_number_whatever_the_batch() -> None:
    key = streams.stream_key(7, 3, 1, "adherence")
    persons = np.arange(1000, dtype=np.int64)
    whole = streams.uniforms(key, persons, 5)
    parts = np.concatenate(
        [streams.uniforms(key, persons[:300], 5), streams.uniforms(key, persons[300:], 5)]
    )
    np.testing.assert_array_equal(whole, parts)
    keys = streams.stream_keys(7, np.full(1000, 3, np.int64), 1, "adherence")
    np.testing.assert_array_equal(streams.uniforms(keys, persons, 5), whole)


def test_different_addresses_differ() -> None:
    persons = np.arange(100, dtype=np.int64)
    a = streams.uniforms(streams.stream_key(0, 0, 0, "a"), persons, 0)
    assert not np.array_equal(a, streams.uniforms(streams.stream_key(0, 0, 1, "a"), persons, 0))
    assert not np.array_equal(a, streams.uniforms(streams.stream_key(0, 1, 0, "a"), persons, 0))
    assert not np.array_equal(a, streams.uniforms(streams.stream_key(1, 0, 0, "a"), persons, 0))
    assert not np.array_equal(a, streams.uniforms(streams.stream_key(0, 0, 0, "b"), persons, 0))
    assert not np.array_equal(a, streams.uniforms(streams.stream_key(0, 0, 0, "a"), persons, 1))


def test_uniform_and_normal_moments() -> None:
    n = 200_000
    persons = np.arange(n, dtype=np.int64)
    u = streams.uniforms(streams.stream_key(1, 2, 3, "u"), persons, 0)
    assert u.min() > 0 and u.max() < 1
    # Mean 1/2 and variance 1/12 within five standard errors.
    assert abs(u.mean() - 0.5) < 5 * np.sqrt(1 / 12 / n)
    assert abs(u.var() - 1 / 12) < 5 * np.sqrt(1 / 180 / n)
    z = streams.normals(streams.stream_key(1, 2, 3, "z"), persons, 0)
    assert abs(z.mean()) < 5 / np.sqrt(n)
    assert abs(z.std() - 1) < 5 / np.sqrt(2 * n)
    # Neighbouring persons are uncorrelated.
    r = np.corrcoef(z[:-1], z[1:])[0, 1]
    assert abs(r) < 5 / np.sqrt(n)


def test_seed_and_replicate_do_not_alias() -> None:
    persons = np.arange(50, dtype=np.int64)
    a = streams.uniforms(streams.stream_key(1, 0, 0, "m"), persons, 0)
    b = streams.uniforms(streams.stream_key(0, 1, 0, "m"), persons, 0)
    assert not np.array_equal(a, b)
    keys = streams.stream_keys(1, np.array([0, 1, 2, 3]), 0, "m")
    others = streams.stream_keys(0, np.array([0, 1, 2, 3]), 0, "m")
    assert not set(keys.tolist()) & set(others.tolist())
    assert int(keys[2]) == streams.stream_key(1, 2, 0, "m")
