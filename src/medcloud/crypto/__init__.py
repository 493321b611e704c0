"""The Chinese national algorithms (R-SEC-01): SM3 hashing, SM4-GCM sealing, SM2 signatures.

One module per algorithm.  Each picks the fastest sound implementation this
machine offers (OpenSSL through ``hashlib``/``cryptography``) and keeps gmssl's
pure-Python code as the fallback, so the project runs — slowly — wherever
OpenSSL was built without the SM suite.  ``BACKENDS`` says which one is live.
"""

from __future__ import annotations

from medcloud.crypto import sm2, sm3, sm4

BACKENDS: dict[str, str] = {"sm3": sm3.BACKEND, "sm4-gcm": sm4.BACKEND, "sm2": sm2.BACKEND}

__all__ = ["BACKENDS", "sm2", "sm3", "sm4"]
