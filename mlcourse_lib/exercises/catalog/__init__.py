"""One module per topic, each with a list ``EXERCISES`` of :class:`~mlcourse_lib.exercises.Exercise`.

Modules are found automatically (see :mod:`mlcourse_lib.exercises.registry`); adding a chapter's
exercises means adding a module here.
"""
