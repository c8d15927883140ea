"""chanjiao (产教): a staged pipeline for Chinese policy text.

ingest → clean/split → segment → extract (dimension keywords, actor mentions) → classify → io/report.

Example:
    >>> import pipeline
    >>> doc = pipeline.read("通知.txt")                     # doctest: +SKIP
    >>> [p.text for p in doc.paragraphs][:2]                # doctest: +SKIP
"""
from __future__ import annotations

import logging

from .codebook import Framework, load_framework
from .errors import ChanjiaoError, FrameworkError, IngestError, ModelError
from .ingest import read, read_many, read_text
from .segment import load_nlp, load_segmenter, segment
from .types import Document, Failure, Mention, Paragraph, Sentence, TermHit

__version__ = "0.2.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "ChanjiaoError",
    "Document",
    "Failure",
    "Framework",
    "FrameworkError",
    "IngestError",
    "Mention",
    "ModelError",
    "Paragraph",
    "Sentence",
    "TermHit",
    "load_framework",
    "load_nlp",
    "load_segmenter",
    "read",
    "read_many",
    "read_text",
    "segment",
]
