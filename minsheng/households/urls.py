from django.urls import path

from minsheng.households import views

app_name = "households"

urlpatterns = [
    path("", views.index, name="index"),
    path("list/", views.households, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("funnel/", views.funnel, name="funnel"),
    path("parameters/", views.parameters, name="parameters"),
    path("parameters/edit/", views.edit_parameters, name="edit_parameters"),
    path("clues/new/", views.new_clue, name="new_clue"),
    path("h/<int:pk>/", views.household, name="household"),
    path("h/<int:pk>/identity/", views.identity, name="identity"),
    path("h/<int:pk>/accounts/", views.accounts, name="accounts"),
    path("h/<int:pk>/measures/", views.add_measure, name="add_measure"),
    path("h/<int:pk>/payments/", views.add_payment, name="add_payment"),
    path("h/<int:pk>/eliminate/", views.eliminate, name="eliminate"),
    path("steps/<int:pk>/", views.complete_step, name="complete_step"),
    path("cases/<int:pk>/notice/", views.notice, name="notice"),
]
