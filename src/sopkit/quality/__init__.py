"""The quality stage: the revision lifecycle, as quality staff work with it.

:mod:`.approval` records drafts and approvals in the YAML; :mod:`.history`
finds earlier revisions' texts in git (proven by their fingerprints) and
which text is in force; :mod:`.diff` says what changed between two texts;
:mod:`.register` lists every document with its review state.

Reads the source stage; imports no output and not the command line.
"""
