"""Pages of the development identity provider: its sign-in page (the VNeID stand-in) and the
authorization endpoint that sends people there.

The provider keeps its own sign-in in the session under ``devidp_user``, apart from the
site's login: the portal (the relying party) then logs the citizen in from the ID token only,
exactly as with a provider on another site."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from oauth2_provider.views import AuthorizationView

SESSION_KEY = "devidp_user"
LOGIN_PATH = "/idp-dev/dang-nhap/"


def login(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if hasattr(user, "dev_identity"):
            request.session[SESSION_KEY] = user.pk
            request.session.cycle_key()
            return HttpResponseRedirect(next_url or "/")
        form.add_error(None, "no identity")
    return render(request, "devidp/login.html", {"form": form, "next": next_url},
                  status=400 if request.method == "POST" else 200)


class DevAuthorizationView(AuthorizationView):
    def dispatch(self, request, *args, **kwargs):
        user = (get_user_model().objects.filter(pk=request.session.get(SESSION_KEY),
                                                dev_identity__isnull=False)
                .select_related("dev_identity").first())
        if user is None:
            return HttpResponseRedirect(
                LOGIN_PATH + "?" + urlencode({"next": request.get_full_path()}))
        request.user = user  # the provider's signed-in person, not the site's session user
        return super().dispatch(request, *args, **kwargs)
