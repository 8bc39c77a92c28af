from django.urls import path

from minsheng.triage import views

app_name = "triage"
urlpatterns = [
    path("suggest/", views.suggestions, name="suggest"),
    path("corrections/", views.correction, name="correction"),
    path("model/", views.model, name="model"),
    path("model/retrain/", views.retrain, name="retrain"),
    path("model/rollback/", views.roll_back, name="rollback"),
    path("model/<int:pk>/activate/", views.activate, name="activate"),
]
