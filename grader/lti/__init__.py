"""LTI 1.3: the LMS platforms this tool trusts, its keys, launches, deep linking, roster sync
(NRPS) and grade passback (AGS)."""
