"""Register templates (one YAML per ledger edition) and the field-value contract: data, not code."""
