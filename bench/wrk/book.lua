-- Book a seat (POST), read the new booking's id from the redirect, cancel it (POST),
-- then the same for the thread's next candidate. Each thread has one connection and
-- its own candidates (BENCH_VISITS, bench/spread.py: "cookie, csrf, booking URLs"),
-- so no two connections book for one candidate; each candidate books at the next of
-- their sittings each time. Every request is one locked booking workflow; the data
-- is as it was after each pair, and bench/run.py cancels what a last unpaired
-- booking left.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require "common"

function init(args)
   unexpected, refused, booking = 0, 0, nil
   bookers, current = {}, 1
   for _, fields in ipairs(my_visits()) do
      table.insert(bookers, booker(fields[1], fields[2], fields[3]))
   end
end

function request()
   if checked_by_wrk() then
      return wrk.format("GET", "/healthz")
   end
   local me = bookers[current]
   if booking then
      return wrk.format("POST", "/bookings/" .. booking .. "/cancel/", me.headers, "")
   end
   return wrk.format("POST", next_booking_path(me), me.headers, "")
end

function next_booker()
   current = current % #bookers + 1
end

function response(status, headers, body)
   if booking then
      if status == 302 then
         booking = nil
         next_booker()
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
   else
      if status == 409 then
         refused = refused + 1  -- a rule said no (a full sitting, say): shown, not hidden
      else
         unexpected = unexpected + 1
      end
      next_booker()
   end
end

function done(summary, latency, requests)
   report(summary, latency)
end
