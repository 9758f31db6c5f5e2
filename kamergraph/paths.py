"""Where the project's knowledge files live.

Knowledge lives in files (ontology, thesaurus, shapes, named queries); code loads them by
path from the project tree. The package is installed in editable mode, so the folders sit
next to the code.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "kamergraph.ttl"
THESAURUS_DIR = ONTOLOGY_DIR / "thesaurus"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
EXAMPLES_DIR = ROOT / "examples"
SAMPLE_DOCUMENT = EXAMPLES_DIR / "documents" / "000_b403e5ce692c490c.txt"
SAMPLE_IDENTIFIER = "kst-33009-123"
