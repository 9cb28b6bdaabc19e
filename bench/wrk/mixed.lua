-- A programme's traffic in one row: each thread (one connection) goes through its own
-- candidates (BENCH_VISITS, bench/spread.py: "cookie, csrf, dashboard, sitting
-- search, booking URLs") in a fixed pattern of 40 requests: 24 dashboards, 10 sitting
-- searches, 3 bookings each cancelled by the same candidate right after (60 / 25 /
-- 7.5 / 7.5 %). Every request but a cancel is the next candidate's. A booking refused
-- by a rule leaves nothing to cancel: the next candidate's dashboard is read instead.
-- The counts of each kind sent are printed with the figures ("mix").
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
require "common"

local PATTERN = "DDSDDSDBCDDSDDSDBCDDSDDSDBCDDSDDSDDSDDSD"

function init(args)
   unexpected, refused = 0, 0
   sent_dashboard, sent_search, sent_book, sent_cancel = 0, 0, 0, 0
   visitors, current, step = {}, 0, 0
   booking, booked_by, waiting_for = nil, nil, nil
   for _, fields in ipairs(my_visits()) do
      local me = booker(fields[1], fields[2], fields[5])
      me.dashboard, me.search = fields[3], fields[4]
      table.insert(visitors, me)
   end
end

function next_visitor()
   current = current % #visitors + 1
   return visitors[current]
end

function request()
   if checked_by_wrk() then
      return wrk.format("GET", "/healthz")
   end
   step = step % #PATTERN + 1
   local kind = string.sub(PATTERN, step, step)
   if kind == "C" and booking then
      waiting_for = "cancel"
      sent_cancel = sent_cancel + 1
      return wrk.format("POST", "/bookings/" .. booking .. "/cancel/", booked_by.headers, "")
   end
   local me = next_visitor()
   if kind == "B" then
      booked_by, waiting_for = me, "book"
      sent_book = sent_book + 1
      return wrk.format("POST", next_booking_path(me), me.headers, "")
   end
   waiting_for = "page"
   if kind == "S" then
      sent_search = sent_search + 1
      return wrk.format("GET", me.search, {Cookie = me.headers.Cookie})
   end
   sent_dashboard = sent_dashboard + 1
   return wrk.format("GET", me.dashboard, {Cookie = me.headers.Cookie})
end

function response(status, headers, body)
   if waiting_for == "page" then
      if status ~= 200 then
         unexpected = unexpected + 1
      end
   elseif waiting_for == "book" then
      if status == 302 then
         booking = string.match(headers["Location"] or "", "/bookings/(%d+)/")
         if not booking then
            unexpected = unexpected + 1
         end
      elseif status == 409 then
         refused = refused + 1
      else
         unexpected = unexpected + 1
      end
   elseif waiting_for == "cancel" then
      if status == 302 then
         booking = nil
      else
         unexpected = unexpected + 1
      end
   end
end

function done(summary, latency, requests)
   report(summary, latency)
end
