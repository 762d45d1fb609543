"""Pure engines for session capture: what was said and written in a session.

``transcripts`` reads the transcript files meeting tools export (WebVTT from Zoom and
Microsoft Teams, SRT and SBV captions as Google Meet add-ons and YouTube write them)
into timed cues with speakers, all or nothing; ``takeaways`` picks the key sentences
of the notes and the transcript (TextRank) and the candidate action items people said
aloud; ``action_lines`` reads the task-list lines written in the notes. No Django
here: plain dataclasses in and out.
"""
