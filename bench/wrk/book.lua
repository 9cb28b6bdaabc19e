-- Each wrk thread is one candidate on one connection: it books a seat (POST), reads
-- the new booking's id from the redirect, cancels it (POST), and books again at the
-- next of its sittings. Every request is one locked booking workflow; the data is
-- as it was after each pair, and bench/run.py cancels what a last unpaired booking
-- left. BENCH_BOOKERS: one line "cookie|csrf|voucher|exam|sitting,sitting,…" per thread.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require "common"

local bookers = {}
for entry in string.gmatch(os.getenv("BENCH_BOOKERS"), "[^\n]+") do
   local cookie, csrf, voucher, exam, sittings = string.match(
      entry, "^([^|]+)|([^|]+)|([^|]+)|([^|]+)|([^|]+)$")
   table.insert(bookers, {cookie = cookie, csrf = csrf, voucher = voucher, exam = exam,
                          sittings = sittings})
end

local base_setup = setup
function setup(thread)
   base_setup(thread)
   local me = bookers[thread:get("index")]
   thread:set("cookie", me.cookie)
   thread:set("csrf", me.csrf)
   thread:set("voucher", me.voucher)
   thread:set("exam", me.exam)
   thread:set("sittings", me.sittings)
end

function init(args)
   unexpected, refused, next_sitting, booking = 0, 0, 1, nil
   sitting_ids = {}
   for id in string.gmatch(sittings, "[^,]+") do
      table.insert(sitting_ids, id)
   end
   wrk.headers["Cookie"] = cookie
   wrk.headers["X-CSRFToken"] = csrf
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
   if booking then
      return wrk.format("POST", "/bookings/" .. booking .. "/cancel/", nil, "")
   end
   local sitting = sitting_ids[next_sitting]
   next_sitting = next_sitting % #sitting_ids + 1
   return wrk.format("POST", "/vouchers/" .. voucher .. "/book/" .. sitting .. "/?exam=" .. exam,
                     nil, "")
end

function response(status, headers, body)
   if booking then
      if status == 302 then
         booking = nil
      else
         unexpected = unexpected + 1
      end
      return
   end
   if status == 302 then
      booking = string.match(headers["Location"] or "", "/bookings/(%d+)/")
      if not booking then
         unexpected = unexpected + 1
      end
   elseif status == 409 then
      refused = refused + 1  -- a rule said no (a full sitting, say): shown, not hidden
   else
      unexpected = unexpected + 1
   end
end

function done(summary, latency, requests)
   report(summary, latency)
end
