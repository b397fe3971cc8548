# step7-bodies.profile - docs/exercises.md, step 7: request bodies: POST /echo, by Content-Length and chunked.
# A rule a line: CASE-OR-PREFIX POINTS NEED; the longest pattern that
# matches a case decides. NEED: required (anything but a pass fails the
# grade), level (a MUST is required, a SHOULD or a lesson is not),
# optional (points only) or skip. Each step keeps the rules of the
# steps before it; the comment says which step set a rule last.

*                           1   optional  # step 1
request/get                 10  required  # step 1
request/http10              2   required  # step 1
connection                  2   level     # step 2
connection/slow-reader      2   required  # step 5
connection/close-while      1   required  # step 5
robustness/fragment         2   required  # step 2
robustness/garbage          1   required  # step 2
h1spec/0                    1   level     # step 2
h1spec/1                    1   level     # step 3
h1spec/10                   1   level     # step 2
h1spec/11                   1   level     # step 2
h1spec/12                   1   level     # step 2
h1spec/13                   1   level     # step 2
h1spec/14                   1   level     # step 2
h1spec/15                   1   level     # step 2
request                     1   level     # step 3
h1spec/2                    1   level     # step 3
h1spec/3                    1   level     # step 3
robustness                  1   level     # step 4
concurrency/second-client   5   required  # step 4
robustness/slowloris        3   required  # step 4
concurrency/idle-1000       5   required  # step 5
robustness/flood            3   required  # step 5
concurrency/delay-100       5   required  # step 6
request/body                2   required  # step 7
request/chunk               2   required  # step 7
connection/expect-continue  1   required  # step 7
connection/body-pipelined   1   required  # step 7
h1spec/31                   1   required  # step 7
h1spec/32                   1   required  # step 7
