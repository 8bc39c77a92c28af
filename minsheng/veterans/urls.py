from django.urls import path

from minsheng.veterans import views

app_name = "veterans"

urlpatterns = [
    path("", views.index, name="index"),
    path("records/", views.records, name="records"),
    path("records/new/", views.record, name="new_record"),
    path("records/import/", views.import_records, name="import_records"),
    path("records/<int:pk>/", views.record, name="record"),
    path("records/<int:pk>/attach/", views.attach, name="attach"),
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.new_request, name="new_request"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/rematch/", views.rematch, name="rematch"),
    path("candidates/<int:pk>/<slug:action>/", views.act, name="act"),
    path("beneficiaries/", views.beneficiaries, name="beneficiaries"),
    path("beneficiaries/import/", views.import_beneficiaries, name="import_beneficiaries"),
    path("beneficiaries/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("registers/import/", views.import_register, name="import_register"),
    path("checks/run/", views.run_checks, name="run_checks"),
    path("findings/", views.findings, name="findings"),
    path("findings/<int:pk>/settle/", views.settle, name="settle"),
    path("report/", views.report, name="report"),
]
