"""Open exported layers in QGIS (run by Debian's python3 with python3-qgis) → JSON on stdout.

Usage: python3 open_layers.py SOURCE [SOURCE …], SOURCE = a QGIS OGR data source string
(``file.gpkg|layername=x`` or ``file.shp``). For each: valid, feature count, CRS, renderer
type, the attribute it classifies on and the number of classes — what a GIS officer sees
when the layer opens with its stored style.
"""

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication, QgsVectorLayer  # noqa: E402

app = QgsApplication([], False)
app.initQgis()
out = {}
for source in sys.argv[1:]:
    layer = QgsVectorLayer(source, "layer", "ogr")
    renderer = layer.renderer()
    classes = (len(renderer.ranges()) if hasattr(renderer, "ranges")
               else len(renderer.categories()) if hasattr(renderer, "categories") else 1)
    out[source] = {
        "valid": layer.isValid(),
        "features": layer.featureCount(),
        "crs": layer.crs().authid(),
        "renderer": renderer.type() if renderer else None,
        "attribute": renderer.classAttribute() if hasattr(renderer, "classAttribute") else None,
        "classes": classes,
        "fields": [f.name() for f in layer.fields()],
    }
print(json.dumps(out), flush=True)
# QGIS's Python bindings may crash while tearing down (exitQgis with layers alive); the
# result is printed, so leave without the teardown.
os._exit(0)
