-- wrk script for the signals intake figures: every request is one new Alertmanager
-- notification of one alert in its own group (as SignalsLoad.java's "max" mode with per=1),
-- to Pave's webhook endpoint or, with target "am", as an alert array to Alertmanager's
-- /api/v2/alerts. wrk costs far less CPU per request than the Java load generator, which
-- shares the two cores with what it measures.
--   wrk -t2 -c64 -d30s -s bench/signals-wrk.lua URL -- pave|am [token] [run]
local counter = 0
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end

function init(args)
  target = args[1] or "pave"
  run = args[3] or "wrk"
  wrk.headers["Content-Type"] = "application/json"
  if args[2] and args[2] ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. args[2]
  end
end

function request()
  counter = counter + 1
  local n = tid .. "-" .. counter
  local labels = '"alertname":"Load' .. n .. '","namespace":"payments","pod":"checkout-7d9f8b6c5-'
    .. string.format("%05d", counter % 100000) .. '","severity":"warning","cluster":"prod-eu-1","run":"'
    .. run .. '","n":"' .. n .. '"'
  local body
  if target == "am" then
    body = '[{"labels":{' .. labels .. '},"annotations":{"summary":"load alert ' .. n .. '"}}]'
  else
    body = '{"receiver":"pave","status":"firing","alerts":[{"status":"firing","labels":{' .. labels
      .. '},"annotations":{"summary":"load alert ' .. n .. '"},"startsAt":"2026-11-23T19:35:08Z",'
      .. '"endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"' .. run .. '-' .. n .. '"}],'
      .. '"groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"","version":"4",'
      .. '"groupKey":"{}:{run=\\"' .. run .. '\\", alertname=\\"Load' .. n .. '\\"}","truncatedAlerts":0}'
  end
  return wrk.format("POST", nil, nil, body)
end

function done(summary, latency, requests)
  local ok = summary.requests - summary.errors.status
  -- done() runs in the main thread, where init() did not: the target is in the command line.
  io.write(string.format("wrk: %d requests, %d not 2xx, %.0f acknowledged/s; ack latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    summary.requests, summary.errors.status, ok / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
