"""``haowu seed-demo``: a small, realistic community so the app looks alive on first start."""
