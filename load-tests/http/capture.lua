-- wrk script: POST /api/v1/trades/capture with a new trade per request, spread over demo keys.
--   TOKEN=$(deploy/local/stack.sh token trade-capture.write) \
--   wrk -t2 -c32 -d30s --latency -s load-tests/http/capture.lua http://127.0.0.1:18080
local token = os.getenv("TOKEN")
local run = os.getenv("RUN") or tostring(os.time())
local keyed = os.getenv("NO_IDEMPOTENCY_KEY") == nil
local counter = 0
local securities = {"US0378331005", "US5949181045", "US0231351067", "US02079K3059", "US30303M1027"}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  n = 0
end

function request()
  n = n + 1
  local trade = string.format("HTTP-%s-%d-%d", run, id, n)
  local account = string.format("ACC-%03d", (n % 20) + 1)
  local book = string.format("BOOK-%02d", (n % 10) + 1)
  local security = securities[(n % #securities) + 1]
  local body = string.format('{"tradeId":"%s","accountId":"%s","bookId":"%s","securityId":"%s",'
    .. '"tradeDate":"2026-11-24","tradeTimestamp":"2026-11-24T15:30:00Z","counterpartyIds":["CPTY-1"],'
    .. '"tradeLots":[{"lotIdentifier":[{"identifier":"%s-L1","identifierType":"LOT_ID"}],'
    .. '"priceQuantity":[{"quantity":[{"value":100,"unit":{"financialUnit":"Share"}}],'
    .. '"price":[{"value":"187.25","unit":{"currency":"USD"}}]}]}]}',
    trade, account, book, security, trade)
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
  if keyed then
    headers["Idempotency-Key"] = trade
  end
  return wrk.format("POST", "/api/v1/trades/capture", headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d non2xx_or_errors=%d rps=%.0f p50_ms=%.1f p99_ms=%.1f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
