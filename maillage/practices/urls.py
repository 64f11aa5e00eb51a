from __future__ import annotations

from django.urls import path

from maillage.practices import views, views_exports

app_name = "practices"

urlpatterns = [
    path("", views.search, name="search"),
    path("suggestions", views.suggestions, name="suggestions"),
    path("nouvelle/", views.create, name="create"),
    path("mes-fiches/", views.mine, name="mine"),
    path("relecture/", views.review, name="review"),
    path("statistiques/", views.statistics, name="statistics"),
    path("telecharger/", views_exports.downloads, name="downloads"),
    path("export.<slug:extension>", views_exports.download, name="download"),
    path("schema.json", views_exports.schema, name="table_schema"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/pdf", views.pdf, name="pdf"),
    path("<int:pk>/modifier/", views.update, name="update"),
    path("<int:pk>/soumettre/", views.submit, name="submit"),
    path("<int:pk>/publier/", views.publish, name="publish"),
    path("<int:pk>/renvoyer/", views.return_to_author, name="return"),
    path("<int:pk>/archiver/", views.archive, name="archive"),
    path("<int:pk>/pieces-jointes/", views.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/pieces-jointes/<int:attachment_pk>/", views.attachment_download, name="attachment"
    ),
    path(
        "<int:pk>/pieces-jointes/<int:attachment_pk>/retirer/",
        views.attachment_remove,
        name="attachment_remove",
    ),
]
