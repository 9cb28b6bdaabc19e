-- GET one page again and again, signed in when BENCH_COOKIE is set; any status but
-- BENCH_STATUS (200) counts as unexpected: a lost session shows as 302s, not speed.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require "common"

local path = os.getenv("BENCH_PATH")
local cookie = os.getenv("BENCH_COOKIE")
local expected = tonumber(os.getenv("BENCH_STATUS") or "200")

function init(args)
   unexpected = 0
   refused = 0
   if cookie and cookie ~= "" then
      wrk.headers["Cookie"] = cookie
   end
   request_text = wrk.format("GET", path)
end

function request()
   return request_text
end

function response(status, headers, body)
   if status ~= expected then
      unexpected = unexpected + 1
   end
end

function done(summary, latency, requests)
   report(summary, latency)
end
