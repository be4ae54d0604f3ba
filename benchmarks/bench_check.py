"""Benchmark: how many request bodies ``foxcontract.check`` judges per second on one core.

Target (issue 2): at least 50,000 bodies/s. Run: ``python benchmarks/bench_check.py``.
"""

from __future__ import annotations

import itertools
import random
import time

from foxcontract import check, default_contract

MODELS = ["veo-3.1-image-to-video", "veo-3.1-fast-image-to-video", "veo-3.1-lite-image-to-video"]


def bodies(n: int, seed: int = 1) -> list[object]:
    """A fixed mix of valid and invalid bodies, like a generated test run."""
    rng = random.Random(seed)
    out: list[object] = []
    for i in itertools.count():
        if len(out) >= n:
            break
        body: dict[str, object] = {
            "model": rng.choice(MODELS),
            "prompt": "The flowers sway gently in the wind",
            "image_url": "https://example.com/photo.jpg",
        }
        for key, values in {
            "resolution": ["720p", "1080p", "4k", "4K"],
            "duration": [4, 6, 8, 5, "8"],
            "aspect_ratio": ["16:9", "9:16", "1:1"],
            "generate_audio": [True, False, "true"],
            "safety_tolerance": [1, 3, 6, 0, 7, None],
            "enhance_prompt": [True, None],
            "seed": [42, None],
        }.items():
            if rng.random() < 0.5:
                body[key] = rng.choice(values)
        out.append(body if i % 50 else [body])
    return out


def main() -> None:
    contract = default_contract()
    sample = bodies(20_000)
    check(sample[0], contract)  # compile outside the timing
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        for body in sample:
            check(body, contract)
        best = max(best, len(sample) / (time.perf_counter() - start))
    invalid = sum(1 for b in sample if check(b, contract))
    print(
        f"check(): {best:,.0f} bodies/s (best of 5 runs of {len(sample):,} bodies, "
        f"{invalid / len(sample):.0%} invalid); target >= 50,000 bodies/s"
    )


if __name__ == "__main__":
    main()
