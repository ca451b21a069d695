"""One thin module per DVC stage (`python -m stages.<name>`).

Importing this package comes before torch is imported, so it pins the CPU code paths
torch's kernels and MKL's matrix products take: their float rounding depends on the
instruction set (AVX-512 vs AVX2 vs SSE), and Model A trained on another x86-64 machine came
out with other weights and another early-stopping epoch. AVX2 is on every x86-64 server CPU
of the last decade and cost ~15% of train_a's time here (the SSE-only `default` path: ~2x).
The environment may override both (e.g. for speed, giving up reproducibility across CPUs).
"""
import os

os.environ.setdefault("ATEN_CPU_CAPABILITY", "avx2")
os.environ.setdefault("MKL_CBWR", "AVX2")
