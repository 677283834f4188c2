-- The load benchmark's wrk script (bench/wrk.py runs it). Three jobs, chosen by environment:
--
-- * always: done() prints one line, "BENCH-JSON {...}", with the request count, duration,
--   errors and the latency distribution (microseconds), for bench/wrk.py to parse;
-- * BENCH_DELAY_MS > 0: each connection waits a while after each answer before it sends
--   the next request, that long on average (the paced run, at half an endpoint's peak);
-- * BENCH_BODIES=<file>: POST the file's requests in turn, one per line
--   "<Stripe-Signature>\t<JSON body>" (bench/webhook.py writes them), each thread its own
--   share (line n goes to thread n % BENCH_THREADS), so no event id is sent twice unless a
--   thread runs out of lines and starts again ("wrapped" counts those restarts).

local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0") or 0
local bodies_file = os.getenv("BENCH_BODIES") or ""
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1") or 1

local threads = {}
local created = 0

function setup(thread)
  thread:set("thread_id", created)
  created = created + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + 7919 * thread_id)
  wrapped = 0
  sent = 0
  if bodies_file == "" then
    return
  end
  requests_ = {}
  local n = 0
  for line in io.lines(bodies_file) do
    if n % nthreads == thread_id then
      local signature, body = line:match("^([^\t]*)\t(.*)$")
      local headers = {}
      for name, value in pairs(wrk.headers) do
        headers[name] = value
      end
      headers["Content-Type"] = "application/json"
      headers["Stripe-Signature"] = signature
      table.insert(requests_, wrk.format("POST", wrk.path, headers, body))
    end
    n = n + 1
  end
  next_ = 1
end

if bodies_file ~= "" then
  function request()
    if next_ > #requests_ then
      next_ = 1
      wrapped = wrapped + 1
    end
    local r = requests_[next_]
    next_ = next_ + 1
    sent = sent + 1
    return r
  end
end

if delay_ms > 0 then
  -- Waits drawn at random (exponentially, mean BENCH_DELAY_MS) as independent visitors
  -- arrive, so that the connections never fall into step and ask all at once.
  function delay()
    local wait = -delay_ms * math.log(1 - math.random())
    return math.min(wait, 8 * delay_ms)
  end
end

function done(summary, latency, requests)
  local wraps, posted = 0, 0
  for _, thread in ipairs(threads) do
    wraps = wraps + (thread:get("wrapped") or 0)
    posted = posted + (thread:get("sent") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"min": %d, "mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d}, '
      .. '"bodies_sent": %d, "wrapped": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    posted, wraps
  ))
end
