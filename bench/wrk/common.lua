-- Shared by the benchmark's wrk scripts: count answers that are not the expected
-- status, and print the figures as one JSON line for bench/run.py to read.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("index", #threads)
end

function report(summary, latency)
   local unexpected, refused = 0, 0
   for _, thread in ipairs(threads) do
      unexpected = unexpected + (thread:get("unexpected") or 0)
      refused = refusal_count(thread) + refused
   end
   local errors = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
      '"p99_us": %d, "max_us": %d, "unexpected": %d, "refused": %d, "socket_errors": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, unexpected, refused,
      errors.connect + errors.read + errors.write + errors.timeout))
end

function refusal_count(thread)
   return thread:get("refused") or 0
end
