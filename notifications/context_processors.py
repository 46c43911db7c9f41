def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Notification

    return {"inbox_unread": lambda: Notification.objects.filter(recipient=user).unread().count()}
