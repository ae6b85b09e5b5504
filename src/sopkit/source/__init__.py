"""The source stage: read ``procedure/`` and check it, before anything is written.

:mod:`.project` names the project's folders; :mod:`.load` reads YAML strictly
with line marks; :mod:`.model` is the procedure format (typed, frozen);
:mod:`.rules` turns loaded YAML into models and checks the rules across
fields; :mod:`.library` reads the whole folder and reports every problem at
once (:mod:`.errors`). :mod:`.text` is the Markdown subset of procedure text,
:mod:`.patterns` the ticket's ``{field}`` patterns, :mod:`.fingerprint` the
content hash recorded at approval, :mod:`.schema` the JSON Schema for editors.

Nothing here imports the quality stage, the outputs or the command line.
"""
