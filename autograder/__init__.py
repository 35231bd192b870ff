"""Instructor side of the course: the reference, the hidden checks, the grading pipeline over nbgrader.

The folders are the layers; a change belongs in the one whose job it is.

``cli.py`` (``python -m autograder``, through ``__main__.py``)
    The course command line: parses options into config overrides and calls
    one pipeline step.

``course/`` — the bookkeeping around nbgrader, the one home of each
    ``config.py``     the course's settings: the project's ``nbgrader_config.py``,
                      a course folder's own file on top, command-line overrides last
    ``paths.py``      every ``source/ release/ submitted/ autograded/ feedback/``
                      path, through nbgrader's ``CourseDirectory.format_path``;
                      student ids
    ``gradebook.py``  every read and write of nbgrader's gradebook; the failure log
    ``records.py``    the dataclasses that cross process boundaries (Job, Outcome, ...)
    ``secret.py``     the course secret and the seed of each submission's hidden draws
    ``folder.py``     :class:`Course`: a course folder and nbgrader's API bound to it

``pipeline/`` — one module per step an instructor runs
    ``build.py`` (+ ``validate_source.py``)  source metadata checks, then nbgrader
                      generates ``release/``
    ``collect.py``    submissions in the shapes instructors have -> ``submitted/``
    ``grade.py``      the coordinator: which submissions to grade, tasks out to
                      Dask, a row and a reason for every submission
    ``record.py``     one submission before and after its execution: nbgrader's
                      sanitising steps, then its ``autograde`` recording the verdicts
    ``feedback.py``   nbgrader's HTML feedback, readable offline: a pure page renderer
                      (plain data in, HTML out, mappable over a cluster) and the
                      coordinator that reads the gradebook and writes ``feedback/``
    ``mathml.py``     TeX to MathML with temml run by node (``temml/``), and nbconvert's
                      Markdown renderer writing the maths as MathML
    ``export.py``     ``grades.csv``, pass rates, a histogram
    ``selfcheck.py``  ``check``: one notebook graded for a self-learner
    ``demo.py``       the whole pipeline on a made-up class

``engine/`` — how one submission is executed and scored
    ``cluster.py``    the Dask cluster: embedded ``LocalCluster`` or a scheduler's
                      address; only workers that can make the sandbox grade
    ``task.py``       the Dask task: one submission's notebooks executed, no course
                      folder needed
    ``execute.py``    nbgrader's Execute step rebuilt: graded cells from the source,
                      a sandboxed kernel, each test cell scoring the checker's verdict,
                      a dead or stuck kernel replaced
    ``sandbox.py``    the bubblewrap sandbox and its kernel manager (ipc sockets)
    ``zygote.py``     a worker's kernel template: a sandboxed Python that has imported the
                      notebooks' modules once; each kernel forked from it into namespaces
                      of its own, one at a time
    ``zygote_inside.py``  the template's own program, run inside its sandbox (standard
                      library only)
    ``checker.py``    the verdict of a test cell, computed outside the kernel; the
                      learner's functions called through :mod:`nndl.wire`

``assignments/`` — the content of each assignment
    ``<name>/checks.py``    hidden checks: fresh draws compared with the reference
    ``<name>/mistakes.py``  typical mistakes, each an edit of the full solution
    ``submissions.py``      full solutions, blank notebooks and mistakes built from
                            the source notebook
    ``cells.py``            what an nbgrader cell is: metadata, test or solution,
                            its hidden part, its source as Python
    ``dependencies.py``     which test cells use which solution cells: the cells a
                            mistake loses
    ``compare.py``          the hidden checks' usual comparison with the reference
    ``hostile.py``          submissions that try to cheat, for the tests and the demo
    ``draws.py``            the hidden checks' generators, fresh for every submission

``reference/`` — the NumPy reference implementation (imports only itself), and
    ``gradcheck.py``, numerical gradients for its tests

``datasets/`` — the generator of the shipped cat data set and its build and calibration (``python -m autograder.datasets.build``)

The flows::

    build:   source/ --validate_source--> nbgrader generate_assignment --> release/
    grade:   collect --> submitted/ --grade (Dask workers: engine/)--> autograded/ + gradebook
             --> feedback (GetGrades --> render_feedback, maths as MathML) --> feedback/*.html
             --> export --> grades.csv
    one submission: coordinator: RestoreStructure --> nbgrader's sanitising steps
             --> Dask task: SandboxedExecute (sandboxed kernel <--nndl.wire--> CellChecker)
             --> coordinator: nbgrader's autograde with the executed notebook
                 (SaveAutoGrades, late penalties) --> gradebook
    check:   one notebook --> throw-away course folder --> the same grade and feedback
"""
