-- GET a page again and again; any status but BENCH_STATUS (200) counts as unexpected:
-- a lost session shows as 302s, not speed.
--
-- One page: BENCH_PATH, signed in when BENCH_COOKIE is set.
-- Many candidates: BENCH_VISITS (bench/spread.py), one "cookie, path" a candidate;
-- each request is the thread's next candidate's. With BENCH_ONCE=1 each candidate is
-- visited once and the run ends (a cold round: every visit the candidate's first).
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require "common"

local expected = tonumber(os.getenv("BENCH_STATUS") or "200")

function init(args)
   unexpected = 0
   refused = 0
   requests, next_visit = {}, 1
   once = os.getenv("BENCH_ONCE") == "1"
   if os.getenv("BENCH_VISITS") then
      for _, visit in ipairs(my_visits()) do
         table.insert(requests, wrk.format("GET", visit[2], {Cookie = visit[1]}))
      end
   else
      local cookie = os.getenv("BENCH_COOKIE")
      if cookie and cookie ~= "" then
         wrk.headers["Cookie"] = cookie
      end
      table.insert(requests, wrk.format("GET", os.getenv("BENCH_PATH")))
   end
end

function request()
   if checked_by_wrk() then
      return wrk.format("GET", "/healthz")
   end
   if next_visit > #requests then
      if once then
         finish_thread()
      end
      next_visit = 1
   end
   local text = requests[next_visit]
   next_visit = next_visit + 1
   return text
end

function response(status, headers, body)
   if status ~= expected then
      unexpected = unexpected + 1
   end
end

function done(summary, latency, requests)
   report(summary, latency)
end
