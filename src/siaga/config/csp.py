"""Pieces of the Content-Security-Policy that depend on the deployment's settings."""

from urllib.parse import urlsplit


def tile_source(url):
    """The CSP source of a tile URL template, as a list: [] when unset or on our own origin.

    "https://{s}.tile.example.org/{z}/{x}/{y}.png" -> ["https://*.tile.example.org"]: a placeholder
    in the host becomes the leftmost wildcard CSP allows (covering every label up to it).
    """
    parts = urlsplit(url or "")
    if not parts.scheme or not parts.netloc:
        return []
    labels = parts.netloc.split(".")
    templated = [i for i, label in enumerate(labels) if "{" in label]
    if templated:
        labels = ["*", *labels[templated[-1] + 1:]]
    return [f"{parts.scheme}://{'.'.join(labels)}"]
