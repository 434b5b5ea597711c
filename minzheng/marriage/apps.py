from django.apps import AppConfig


class MarriageConfig(AppConfig):
    name = "minzheng.marriage"
    verbose_name = "婚姻登记"

    def ready(self):
        # The registry (below us) tells us of a death date set or corrected: a surviving spouse turns 丧偶.
        from minzheng.registry.deaths import register

        from .services import marital_status_follow_death

        def follow(actor, person, death_date, previous):
            marital_status_follow_death(actor=actor, person=person, death_date=death_date, previous=previous)

        register("marriage", follow)
