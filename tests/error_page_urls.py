"""The site's URLs plus one view that fails, for tests/test_error_pages.py."""

from django.urls import path

from minqing.urls import urlpatterns as site


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), *site]
