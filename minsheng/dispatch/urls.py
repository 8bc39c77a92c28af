from django.urls import path

from minsheng.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.rule_list, name="rules"),
    path("new/", views.rule_edit, name="rule_new"),
    path("<int:pk>/", views.rule_edit, name="rule_edit"),
    path("<int:pk>/up/", views.rule_move, {"direction": "up"}, name="rule_up"),
    path("<int:pk>/down/", views.rule_move, {"direction": "down"}, name="rule_down"),
    path("test/", views.rule_test, name="test"),
    path("history/", views.rule_history, name="history"),
]
