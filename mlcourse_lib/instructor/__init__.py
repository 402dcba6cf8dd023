"""The instructor's pipeline: release the course, grade a class safely, report on it.

- :mod:`.course` releases ``course/`` from ``solutions/`` with nbgrader;
- :mod:`.grading` grades every submission of an assignment and records the scores in
  nbgrader's gradebook, with feedback, a grade CSV and a class report (:mod:`.report`);
- :mod:`.verdict` decides each graded cell's score outside the sandbox that runs the
  student's code (:mod:`.sandbox`, :mod:`.runner`), speaking plain data (:mod:`.wire`);
- :mod:`.submission` reads a submitted notebook tolerantly; :mod:`.doctor` checks one
  before it is handed in; :mod:`.collect` takes submissions from an LMS download.

Nothing here is imported by ``import mlcourse_lib``.
"""
