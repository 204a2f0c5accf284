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


# A plain-integer SplitMix64, written from the published constants: the compiled kernels must
# give exactly its bits (numba silently turns mixed int64/uint64 arithmetic into float64).
_MASK = 2**64 - 1


def _reference_mix(x: int) -> int:
    z = (x + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _reference_uniform(key: int, person: int, counter: int) -> float:
    z = _reference_mix(key ^ _reference_mix((person & _MASK) ^ ((counter << 40) & _MASK)))
    return ((z >> 11) + 0.5) / 2**53


_KEYS = (0, 1, 2**63 + 5, 2**64 - 1, streams.stream_key(7, 3, 1, "adherence"))
_PERSONS = (0, 1, 4095, 2**40, 2**62 + 3)
_COUNTERS = (0, 1, 365, 10**6, 2**30)


def test_compiled_draws_match_a_plain_integer_splitmix64() -> None:
    persons = np.array(_PERSONS, dtype=np.int64)
    for key in _KEYS:
        for counter in _COUNTERS:
            expected = [_reference_uniform(key, p, counter) for p in _PERSONS]
            assert streams.uniforms(key, persons, counter).tolist() == expected
            keys = np.full(len(_PERSONS), key, dtype=np.uint64)
            assert streams.uniforms(keys, persons, counter).tolist() == expected
            scalars = [streams.uniform1(np.uint64(key), p, counter) for p in persons]
            assert scalars == expected


def test_mixing_and_stream_keys_match_the_reference() -> None:
    values = np.array(_KEYS + _PERSONS, dtype=np.uint64)
    expected = [_reference_mix(int(v)) for v in values]
    assert streams._mix(values).tolist() == expected
    assert [int(streams._mix1(v)) for v in values] == expected
    z = _reference_mix(7)
    for part in (3, 1, streams.name_id("m")):
        z = _reference_mix(z ^ part)
    assert streams.stream_key(7, 3, 1, "m") == _reference_mix(z)


def test_uniforms_broadcast_like_numpy() -> None:
    keys = streams.stream_keys(2, np.arange(3, dtype=np.int64), 0, "b")
    persons = np.arange(4, dtype=np.int64)
    grid = streams.uniforms(keys[:, None], persons[None, :], 9)
    assert grid.shape == (3, 4)
    for r in range(3):
        np.testing.assert_array_equal(grid[r], streams.uniforms(keys[r], persons, 9))
