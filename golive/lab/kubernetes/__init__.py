"""The lab's emulated Kubernetes API server: real-shaped objects from YAML fixtures, served read-only over HTTPS.

- ``fixtures/compliant/*.yaml``: the compliant cluster, one file per area, written like ``kubectl get -o yaml``
  (a ``kind: List`` or several documents). ``${now-2h}`` style stamps are filled in at start-up.
- ``fixtures/<variant>/*.yaml``: a broken variant as a small overlay on the compliant cluster (store.py).
- ``store.py`` loads a variant into a Cluster; ``server.py`` serves it; the lab component is
  ``golive/lab/components/kubernetes.py``.
"""
