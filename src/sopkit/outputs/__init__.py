"""The outputs: what one build makes of the checked procedures, one package each.

* :mod:`~sopkit.outputs.site`: the handbook site (pages rendered into a staging
  docs folder, then built by MkDocs + Material);
* :mod:`~sopkit.outputs.ticket`: the case to register, as text and as the site's
  composer;
* :mod:`~sopkit.outputs.card`: the wall cards (PDF, A4 and A5);
* :mod:`~sopkit.outputs.archival`: the archival PDF of an approved revision.

Each package offers ``render`` (and ``verify``, where the output is checked
after the build). They share :mod:`~sopkit.outputs.urls` (every address),
:mod:`~sopkit.outputs.templates` (strict Jinja), :mod:`~sopkit.outputs.pdf`
(font, sandboxed fetcher, strict WeasyPrint) and :mod:`~sopkit.outputs.htmltext`.
Outputs read the source and quality stages; nothing here imports the CLI.
"""
