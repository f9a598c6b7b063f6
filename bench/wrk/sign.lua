-- Signature POSTs where every request is a different verified signer's first signature.
-- wrk ... -s bench/wrk/sign.lua URL -- <requests file> <threads>
-- Each line of the file is "<Cookie header>\t<urlencoded body>", prepared by side_by_side.py;
-- thread k sends lines k, k+T, k+2T, ... once each and stops when it runs out.
dofile("bench/wrk/report.lua")

local threads = {}
local counter = 0

setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

init = function(args)
  local path, nthreads = args[1], tonumber(args[2])
  queue = {}
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == id then
      local cookie, body = line:match("^([^\t]*)\t(.*)$")
      queue[#queue + 1] = wrk.format("POST", nil, {
        ["Cookie"] = cookie,
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["User-Agent"] = "netralitas-bench/1",
      }, body)
    end
    i = i + 1
  end
  queued, position, signed, other, exhausted, statuses = #queue, 0, 0, 0, 0, ""
end

request = function()
  if position >= #queue then
    -- Out of first-time signers: stop this thread rather than replay a signature.
    exhausted = 1
    wrk.thread:stop()
    return queue[#queue]
  end
  position = position + 1
  return queue[position]
end

response = function(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if status == 302 and location:find("/selesai$") then
    signed = signed + 1
  else
    other = other + 1
    if #statuses < 200 then statuses = statuses .. status .. " " .. location .. ";" end
  end
end

done = function(summary, latency, requests)
  report(summary, latency)
  local total_signed, total_other, total_exhausted, total_queued, seen = 0, 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    total_signed = total_signed + thread:get("signed")
    total_other = total_other + thread:get("other")
    total_exhausted = total_exhausted + thread:get("exhausted")
    total_queued = total_queued + thread:get("queued")
    seen = seen .. thread:get("statuses")
  end
  io.write(string.format("WRK_SIGN redirects_to_done=%d other=%d exhausted_threads=%d queued=%d\n",
    total_signed, total_other, total_exhausted, total_queued))
  if seen ~= "" then io.write("WRK_SIGN_OTHER " .. seen .. "\n") end
end
