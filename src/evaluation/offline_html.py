"""An HTML template for `dvc plots show` that renders without a network.

DVC's default page loads vega, vega-lite and vega-embed from a CDN and is blank offline.
This template inlines the bundle vl-convert ships (it sets window.vega, window.vegaLite,
window.vegaEmbed), wrapped in a function so its top-level names cannot clash with the
`var` declarations of DVC's per-plot scripts, and deliberately has no `{scripts}` placeholder, which is where DVC would
put its CDN <script src> tags. `.dvc/config` points `plots.html_template` at the file
(path relative to .dvc/). Regenerate: python -m src.evaluation.offline_html
"""
from __future__ import annotations

import sys
from pathlib import Path

from src.utils.io import write_text

TEMPLATE_PATH = Path("plots/offline_template.html")
_PAGE = """<!DOCTYPE html>
<html>
<head>
    {refresh_tag}
    <meta charset="utf-8">
    <title>DVC Plot (offline)</title>
    <script type="text/javascript">
(function () {
__BUNDLE__
})();
    </script>
    <style>
        table {
            border-spacing: 15px;
        }
    </style>
</head>
<body>
    {plot_divs}
</body>
</html>
"""


def offline_template() -> str:
    import vl_convert
    bundle = vl_convert.javascript_bundle()
    # DVC fills placeholders with str.replace; a stray one inside the bundle would be mangled.
    for placeholder in ("{plot_divs}", "{scripts}", "{refresh_tag}"):
        if placeholder in bundle:
            raise RuntimeError(f"vega bundle contains the DVC placeholder {placeholder}")
    return _PAGE.replace("__BUNDLE__", bundle.replace("</script", "<\\/script"))


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else TEMPLATE_PATH
    write_text(offline_template(), path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
