"""One module per topic, each with a list ``EXERCISES`` of :class:`~mlcourse_lib.exercises.Exercise`.

Modules are found automatically (see :mod:`mlcourse_lib.exercises.registry`); adding a chapter's
exercises means adding a module here, with ``CHAPTER`` set to the chapter's folder in
``solutions/``.

Conventions of ``cases(rng, hidden)``: the public list opens with cases on which no two known
mistakes agree; the hidden list holds fixed hard cases first, which reject every known mistake on
their own, then random ones for breadth, whose labels start with ``"random:"`` (the tests rely on
it to prove that no grade depends on the luck of a seed).
"""
