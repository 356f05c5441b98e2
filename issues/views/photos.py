"""Photos are served here, never from a public /media/ URL (issue 14): the tracking token opens
the photos its resident may see (those of public events), and the desk opens those of issues the
person may read or is assigned; a department's liaison, the resident's photos of issues dispatched
to it. Files are streamed from the default storage with `open()`, so the
same views work on the filesystem and on object storage."""

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from workstations import scope

from .. import services
from ..dispatch import liaison_department_ids
from ..models import Dispatch, IssuePhoto


def _stream(photo: IssuePhoto, *, thumb: bool) -> FileResponse:
    field = photo.thumbnail_file if thumb else photo.image
    try:
        handle = field.storage.open(field.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    # The URL holds a secret (the token) or needs a login: no shared cache may keep it.
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def track_photo(request: HttpRequest, token: str, pk: int, thumb: bool = False) -> FileResponse:
    issue = services.find_by_token(token)
    if issue is None:
        raise Http404
    photo = get_object_or_404(IssuePhoto, pk=pk, issue_id=issue.pk, is_public=True)
    return _stream(photo, thumb=thumb)


@login_required
@require_safe
def desk_photo(request: HttpRequest, pk: int, thumb: bool = False) -> FileResponse:
    user = request.user
    photos = IssuePhoto.objects.all()
    if not user.is_superuser:
        readable = scope.readable_workstation_ids(user)
        # A department's liaison: the photos the resident sees, of issues dispatched to it.
        dispatched = Exists(
            Dispatch.objects.filter(issue_id=OuterRef("issue_id"), department_id__in=liaison_department_ids(user))
        )
        photos = photos.filter(
            Q(issue__workstation_id__in=readable) | Q(issue__assignee_id=user.pk) | Q(dispatched, is_public=True)
        )
    return _stream(get_object_or_404(photos, pk=pk), thumb=thumb)
