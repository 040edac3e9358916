"""Datasets over devices and hosts: grouped by plan, sharded, read and written on threads."""
