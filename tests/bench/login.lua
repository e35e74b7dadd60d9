-- wrk script of tests/bench/wrk-login.sh: login POSTs of many users.
--
--   wrk -t2 -c32 -d10s -s tests/bench/login.lua http://127.0.0.1:PORT \
--       -- PATH [USERS [THREADS [PAUSE_MS]]]
--
-- PATH is the location to post to (/login, /plain); USERS the number of
-- distinct users (default 10000); THREADS wrk's -t (default 1; wrk does
-- not tell a script how many threads it runs, and each must know to share
-- the users out); PAUSE_MS, when above 0, makes each connection wait about
-- that long after an answer before its next request (wrk's delay()): a
-- paced load below what the server can do, where latency is the server's
-- own more than a queue's (wrk times a request from when it is sent).
--
-- User N posts "username=userN&password=x" from a stable address in the
-- documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24;
-- sent as X-Forwarded-For, which the benchmark's nginx trusts from
-- 127.0.0.1; about 13 users share an address at 10,000 users) with a
-- stable browser drawn from a few real ones (desktop and mobile, several
-- families and versions). Every login reads another user's keys, and the
-- addresses and browsers vary with them: no hot key but the population
-- counts the module keeps for everyone. The threads share the users out
-- (thread t takes users t, t + T, t + 2T, ...) and walk through them in
-- turn, so a user comes back once every USERS logins.
--
-- All requests are built in init(): request() only picks the next one.
-- done() prints one line for the shell script to parse:
--   wrk-result path=/login requests=N duration_s=S rps=R p50_ms=A p90_ms=B
--     p99_ms=C mean_ms=D max_ms=E err_connect=0 err_read=0 err_write=0
--     err_status=0 err_timeout=0
-- (err_status: answers with a status above 399).

local RANGES = { "192.0.2.", "198.51.100.", "203.0.113." }

local AGENTS = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        .. "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
        .. "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
        .. "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
        .. "(KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
        .. "(KHTML, like Gecko) Chrome/130.0.6723.102 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        .. "(KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
    "Mozilla/5.0 (iPad; CPU OS 16_7 like Mac OS X) AppleWebKit/605.1.15 "
        .. "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
}

local threads = {}

function setup(thread)
    thread:set("tid", #threads)
    table.insert(threads, thread)
end

-- user n's address: the three /24s in turn, hosts 1..254 (about 13 users
-- share an address at 10,000 users, as behind a carrier NAT)
local function address(n)
    local range = RANGES[n % #RANGES + 1]
    local host = math.floor(n / #RANGES) % 254 + 1
    return range .. host
end

-- user n's browser: a fixed pick, not correlated with its address
local function agent(n)
    local h = (n * 2654435761) % 4294967296
    return AGENTS[math.floor(h / 65536) % #AGENTS + 1]
end

function init(args)
    path = args[1] or "/login"
    local users = tonumber(args[2] or "10000")
    local step = tonumber(args[3] or "1")
    local pause = tonumber(args[4] or "0")

    -- wrk looks for delay() after init(): defined only when pacing. The
    -- pause varies (half to one and a half of PAUSE_MS) so that the
    -- connections do not fall into step and arrive as bursts.
    if pause > 0 then
        math.randomseed(os.time() * 64 + tid)
        local lo, hi = math.floor(pause / 2), math.floor(pause * 3 / 2)
        delay = function() return math.random(lo, hi) end
    end

    reqs = {}
    for n = tid, users - 1, step do
        reqs[#reqs + 1] = wrk.format("POST", path, {
            ["Content-Type"] = "application/x-www-form-urlencoded",
            ["X-Forwarded-For"] = address(n),
            ["User-Agent"] = agent(n),
        }, "username=user" .. n .. "&password=x")
    end
    nreq = #reqs
    i = 0
end

function request()
    i = i + 1
    if i > nreq then
        i = 1
    end
    return reqs[i]
end

function done(summary, latency, requests)
    local p = threads[1] and threads[1]:get("path") or "?"
    local e = summary.errors
    local secs = summary.duration / 1e6
    io.write(string.format(
        "wrk-result path=%s requests=%d duration_s=%.3f rps=%.1f "
        .. "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f mean_ms=%.3f max_ms=%.3f "
        .. "err_connect=%d err_read=%d err_write=%d err_status=%d "
        .. "err_timeout=%d\n",
        p, summary.requests, secs, summary.requests / secs,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, latency.mean / 1000,
        latency.max / 1000,
        e.connect, e.read, e.write, e.status, e.timeout))
end
