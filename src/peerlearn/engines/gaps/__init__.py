"""Pure engines for the gap backlog: what a team needs to learn.

``priority`` orders the backlog; ``text`` turns a title and a Markdown description into
terms; ``similarity`` finds near-duplicate gaps (TF-IDF, cosine); ``bugs`` groups a
tracker's bug reports into recurring families; ``imports`` reads the files people bring
(retrospective CSV exports, Markdown lists, GitHub/GitLab/Jira issue exports), all or
nothing; ``manifests``, ``new_technologies`` and ``fix_commits`` mine a repository's
history; ``local_signals``, ``bug_signal`` and ``tech_signal`` turn evidence into
suggested gaps. No Django here: plain dataclasses in and out.
"""
