-- wrk results as one machine-readable line (latencies in microseconds); side_by_side.py parses it.
function report(summary, latency)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%d " ..
    "connect_errors=%d read_errors=%d write_errors=%d status_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, math.floor(latency.mean), e.connect, e.read, e.write, e.status, e.timeout))
end

done = function(summary, latency, requests)
  report(summary, latency)
end
