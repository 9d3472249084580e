"""The one-click unsubscribe of every mail (RFC 8058): a POST to the link ends the follow
without login (mail programs send it); opening the link shows a page with one button, so that
a link checker that merely opens it changes nothing."""

from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from plansicht.participation.models import Follow

from .mail import read_token


@csrf_exempt  # RFC 8058: the mail program posts without a session or a form of ours
def unsubscribe(request, token):
    data = read_token(token)
    if data is None:
        return render(request, "notify/unsubscribe.html", {"invalid": True}, status=404)
    follows = Follow.objects.filter(user_id=data["u"])
    if data.get("f") is not None:
        follows = follows.filter(pk=data["f"])
    done = False
    if request.method == "POST":
        follows.delete()
        done = True
    return render(
        request,
        "notify/unsubscribe.html",
        {"done": done, "all": data.get("f") is None, "count": follows.count()},
    )
