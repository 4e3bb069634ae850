"""A meeting's materials (会議資料): their text, terms, figures and sentences, and what the
pipeline does with them — decoding hints, reading-based correction, read-aloud suggestions."""

from models.materials.extract import SUFFIXES, extract_text, read_files
from models.materials.terms import Figure, Materials, Term, build_materials

__all__ = ["SUFFIXES", "Figure", "Materials", "Term", "build_materials", "extract_text", "read_files"]
