"""Transcription jobs: the job function, the queues that run it, crash recovery."""
