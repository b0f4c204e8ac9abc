"""Response headers on every page (static files are served before this runs).

- ``Cache-Control: no-store, private``: pages carry people's details, so no browser,
  proxy or "back" button may keep a copy. A response that already says ``no-store``
  (PDFs, Django's ``never_cache`` pages) is left as it is.
- ``Permissions-Policy``: CareHub uses no camera, microphone, location, payment or
  device access, so no page (or anything injected into one) can ask for them.

The other security headers come from Django: ``SecurityMiddleware`` (nosniff,
Referrer-Policy, Cross-Origin-Opener-Policy, HSTS when DEBUG is off),
``XFrameOptionsMiddleware`` and ``ContentSecurityPolicyMiddleware`` (``SECURE_CSP``).
"""

from django.utils.cache import patch_cache_control

# Features every current browser knows (an unknown name is logged as a console error).
DISABLED_FEATURES = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DISABLED_FEATURES)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True, private=True)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
