from django.apps import AppConfig


def _forget_synonyms(**kwargs):
    from django.core.cache import cache

    from motcua.catalog.selectors import SYNONYMS_CACHE_KEY

    cache.delete(SYNONYMS_CACHE_KEY)


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    verbose_name = "Danh mục thủ tục hành chính"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from motcua.catalog.models import SearchSynonym

        # An edit in the admin shows in the next search.
        post_save.connect(_forget_synonyms, sender=SearchSynonym, dispatch_uid="synonyms-save")
        post_delete.connect(_forget_synonyms, sender=SearchSynonym,
                            dispatch_uid="synonyms-delete")
