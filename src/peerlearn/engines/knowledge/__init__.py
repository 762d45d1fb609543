"""Knowledge map engine: git history -> authorship, islands, truck factor, what-if.

Pure Python (no Django). The web app and the CLI call:

    run = analyze_repository(path, AnalysisOptions(...), previous=saved_state)
    run.map            # KnowledgeMap: people, files, directories, islands, truck factor
    run.state.dumps()  # store it; pass HistoryState.loads(text) next time (incremental)
    run.map.what_if(["alice@example.com"])  # files and directories orphaned
"""

from .analysis import AnalysisOptions, AnalysisRun, KnowledgeMap, analyze_repository, build_map
from .errors import EmptyHistory, GitFailed, KnowledgeError, NotAGitRepository, ShallowRepository
from .evidence import LeftOut
from .exclusions import ExclusionRules
from .identity import (
    AliasRules,
    Bot,
    IdentityOptions,
    Merge,
    Person,
    parse_alias_file,
    parse_alias_rules,
)
from .islands import DirectorySummary, Island
from .loss import KnowledgeLoss, LostArea
from .model import Authorship, FileAuthorship, degree_of_authorship
from .serialise import map_to_dict
from .state import HistoryState
from .truck_factor import TruckFactor, WhatIf, truck_factor, what_if

__all__ = [
    "AliasRules",
    "AnalysisOptions",
    "AnalysisRun",
    "Authorship",
    "Bot",
    "DirectorySummary",
    "EmptyHistory",
    "ExclusionRules",
    "FileAuthorship",
    "GitFailed",
    "HistoryState",
    "IdentityOptions",
    "Island",
    "KnowledgeError",
    "KnowledgeLoss",
    "KnowledgeMap",
    "LeftOut",
    "LostArea",
    "Merge",
    "NotAGitRepository",
    "Person",
    "ShallowRepository",
    "TruckFactor",
    "WhatIf",
    "analyze_repository",
    "build_map",
    "degree_of_authorship",
    "map_to_dict",
    "parse_alias_file",
    "parse_alias_rules",
    "truck_factor",
    "what_if",
]
