"""Shared utilities that every stage may use and that know nothing of the stages.

Takes plain values (paths, bytes, strings, intervals) and hands on plain
values: :mod:`.atomic` (files and folders written whole or not at all),
:mod:`.registry` (name → object with did-you-mean), :mod:`.normalize` (the
Arabic matching view with its offset map), :mod:`.span` (the half-open span
type), :mod:`.matching` (one-to-one span alignment and the SemEval counting
schemes), :mod:`.imports` (import a library without optional
packages it would pull in for nothing), :mod:`.version`.  Nothing here imports another stage.
"""
