"""Pure pipeline stages: scan -> page image -> upright page -> table grid -> OCR lines -> fields -> entries.

No Prefect, no web, no database here: flows/ orchestrates, store/ persists, review/ serves.
"""

PIPELINE_VERSION = "0.1.0"
