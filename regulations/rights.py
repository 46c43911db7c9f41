"""The rights a user may hold on an object, named once for every app.

A getter takes the right it needs (`get_task_for_user(user, pk, right=Right.REVIEW)`): an object the user
cannot see is a 404, one they see without the right is a 403. Services check the same rule against their
actor, so an admin action, an import, a Celery task or a command cannot do what the page refuses."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Right(models.TextChoices):
    READ = "read", _("xem")
    REPORT = "report", _("viết và nộp báo cáo")
    REVIEW = "review", _("xem xét, tiếp nhận, trả lại, miễn")
    COMPILE = "compile", _("lập báo cáo tổng hợp")
    EDIT = "edit", _("soạn, sửa quy chế, văn bản, cuộc họp và nhiệm vụ")
    IMPORT = "import", _("nhập dữ liệu từ bảng tính")
    RAISE = "raise", _("gửi phản ánh, kiến nghị")
    ANSWER = "answer", _("trả lời phản ánh")
    FORWARD = "forward", _("chuyển phản ánh đến UBND")
    CLOSE = "close", _("đóng phản ánh")
    CONTRIBUTE = "contribute", _("góp ý kiến, tài liệu phối hợp")
    REORGANISE = "reorganise", _("ghi nhận sắp xếp tổ chức (sáp nhập, chia tách, đổi tên)")


def refuse(right: str) -> PermissionDenied:
    """The refusal a user sees on a 403 page, in their language."""
    return PermissionDenied(_("Bạn không có quyền %(right)s đối với mục này.") % {"right": Right(right).label})


def require(allowed: bool, right: str) -> None:
    if not allowed:
        raise refuse(right)


def require_actor(actor, right: str) -> None:
    """A change of state made for a person needs that person: no actor is no right."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise refuse(right)
