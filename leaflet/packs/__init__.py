"""Stage 4, packs: every patient's documents for a day's appointments.

`appointments` reads a booking system's CSV export; `batch.build_batch` plans the files
(`planner`), skips those the manifest says are built (`manifest`) and builds the rest in
worker processes (`workers`).
"""
