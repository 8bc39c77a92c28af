from django.urls import path

from minsheng.intake import views

app_name = "intake"
urlpatterns = [
    path("new/", views.new, name="new"),
    path("history/", views.history, name="history"),
    path("answers/", views.answers, name="answers"),
    path("import/", views.upload, name="import"),
    path("import/<int:pk>/", views.batch, name="batch"),
    path("import/template.csv", views.template, {"fmt": "csv"}, name="template_csv"),
    path("import/template.xlsx", views.template, {"fmt": "xlsx"}, name="template_xlsx"),
]
