-- Shared by the benchmark's wrk scripts: count answers that are not the expected
-- status, read the candidates dealt to this thread, and print the figures as one
-- JSON line for bench/run.py to read.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("index", #threads)
end

-- wrk calls the first thread's request() once before the run, to see what it returns,
-- and never sends it: a script whose requests move on (the next candidate) answers
-- that call with this instead.
function checked_by_wrk()
   if index == 1 and not checked then
      checked = true
      return true
   end
   return false
end

-- The candidates bench/spread.py dealt to this thread: one list of fields each.
function my_visits()
   local mine = {}
   for line in io.lines(os.getenv("BENCH_VISITS")) do
      local fields = {}
      for field in string.gmatch(line, "[^\t]+") do
         table.insert(fields, field)
      end
      if tonumber(fields[1]) == index then
         table.remove(fields, 1)
         table.insert(mine, fields)
      end
   end
   return mine
end

-- A candidate who books: their POSTs' headers, and their booking URLs (one a sitting,
-- comma-separated), each booking at the next.
function booker(cookie, csrf, urls)
   local paths = {}
   for path in string.gmatch(urls, "[^,]+") do
      table.insert(paths, path)
   end
   return {headers = {Cookie = cookie, ["X-CSRFToken"] = csrf,
                      ["Content-Type"] = "application/x-www-form-urlencoded"},
           paths = paths, next_path = 1}
end

function next_booking_path(me)
   local path = me.paths[me.next_path]
   me.next_path = me.next_path % #me.paths + 1
   return path
end

-- A thread that has made each of its visits stops; the last to stop ends the run as
-- Ctrl-C does, so wrk's time is the time the visits took, not the round's -d.
-- (In the background: os.execute ignores SIGINT in wrk while its shell runs.)
function finish_thread()
   local dir = os.getenv("BENCH_DONE_DIR")
   io.open(dir .. "/done." .. index, "w"):close()
   local finished = 0
   for i = 1, tonumber(os.getenv("BENCH_THREADS")) do
      local file = io.open(dir .. "/done." .. i)
      if file then
         finished = finished + 1
         file:close()
      end
   end
   wrk.thread:stop()
   if finished == tonumber(os.getenv("BENCH_THREADS")) then
      os.execute("(sleep 0.02; kill -INT $PPID) &")
   end
end

function report(summary, latency)
   local unexpected, refused = 0, 0
   local mix = {}
   for _, thread in ipairs(threads) do
      unexpected = unexpected + (thread:get("unexpected") or 0)
      refused = refusal_count(thread) + refused
      for _, kind in ipairs({"dashboard", "search", "book", "cancel"}) do
         mix[kind] = (mix[kind] or 0) + (thread:get("sent_" .. kind) or 0)
      end
   end
   local errors = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
      '"p99_us": %d, "max_us": %d, "unexpected": %d, "refused": %d, "socket_errors": %d, ' ..
      '"mix": {"dashboard": %d, "search": %d, "book": %d, "cancel": %d}}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, unexpected, refused,
      errors.connect + errors.read + errors.write + errors.timeout,
      mix.dashboard, mix.search, mix.book, mix.cancel))
end

function refusal_count(thread)
   return thread:get("refused") or 0
end
