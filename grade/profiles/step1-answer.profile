# step1-answer.profile - docs/exercises.md, step 1: answer GET / (socket, bind, listen, accept, write, close).
# A rule a line: CASE-OR-PREFIX POINTS NEED; the longest pattern that
# matches a case decides. NEED: required (anything but a pass fails the
# grade), level (a MUST is required, a SHOULD or a lesson is not),
# optional (points only) or skip. Each step keeps the rules of the
# steps before it; the comment says which step set a rule last.

*                           1   optional  # step 1
request/get                 10  required  # step 1
request/http10              2   required  # step 1
