"""Synthetic data: the demo county (`kinlink demo`) and large registries for benchmarks
(`kinlink synth`)."""
