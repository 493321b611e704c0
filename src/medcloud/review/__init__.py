"""Changes-only review of two stack previews, with the compliance delta between them.

:mod:`medcloud.review.document` reads ``pulumi preview --json`` or medcloud's
offline preview; :func:`medcloud.review.engine.review` compares two of them;
:mod:`medcloud.review.render` prints the result for a terminal, a pull request
or a machine.  The package itself imports nothing, so the policy evaluator can
use the document reader without pulling in the review engine.
"""
