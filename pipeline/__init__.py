"""Pure pipeline stages: scan -> page image -> upright page -> table grid -> OCR lines -> fields -> entries.

No Prefect, no web, no database here: flows/ orchestrates, store/ persists, review/ serves.
"""

# bumped whenever what a page reads can change: cached page results of an older version are redone
PIPELINE_VERSION = "0.3.0"
