"""Voice profiles (話者登録): enrol named speakers' voiceprints, name them again in later meetings.

``embedding`` makes prints with the diarizer's GE2E encoder, ``enrol`` picks the named speakers of a
transcript, ``matching`` assigns diarized speakers to people under a threshold and a margin,
``store`` is the CLI's file registry (the service keeps its own in the database).
"""
