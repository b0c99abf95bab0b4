from django.urls import path

from yizuyihui.incentives import views_recognition as v

urlpatterns = [
    path("community/", v.community, name="community"),
    path("letters/", v.letter_register, name="letters"),
    path("letters/issue/", v.letter_issue, name="letters_issue"),
    path("letters/<int:pk>/pdf/", v.letter_pdf, name="letter_pdf"),
    path("reports/", v.report, name="report"),
    path("reports/assess/", v.report_assess, name="report_assess"),
    path("reports/pdf/", v.report_pdf, name="report_pdf"),
    path("reports/xlsx/", v.report_xlsx, name="report_xlsx"),
    path("honours/", v.honour_list, name="honours"),
    path("honours/propose/", v.honour_propose, name="honours_propose"),
    path("honours/<int:pk>/decide/", v.honour_decide, name="honour_decide"),
    path("honours/board/<int:unit_id>/", v.honour_board, name="honour_board"),
    path("honours/titles/", v.honour_titles, name="honour_titles"),
]
