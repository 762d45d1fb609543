from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "peerlearn.search"
    label = "search"
    verbose_name = "Search"
