"""Interoperation with the national public service portal (liên thông Cổng DVC quốc gia)."""
