"""Build of the optional C extraction engine; the metadata is in setup.cfg.

``optional=True``: without a compiler the package installs anyway and runs on its pure-Python
and Rust-automaton code paths (same results, slower extraction).
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("pipeline._cengine", ["pipeline/_cengine.c"], optional=True, extra_compile_args=["-O2"])])
