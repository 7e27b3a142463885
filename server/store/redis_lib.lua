#!lua name=handsup_v1
-- redis_lib.lua -- the Redis Functions of cluster mode (docs/storage.md, "Redis").
--
-- Embedded in the binary at build time (CMakeLists.txt) and loaded with
-- FUNCTION LOAD REPLACE by every node at start; hu_version tells a node that
-- the library it talks to is the one it was built with.  Functions, unlike
-- scripts, are kept in the AOF and survive a restart of redis-server.
--
-- Every function takes one key, the session's prefix "hu:{CODE}", and derives
-- the others from it, so every key of a session shares the hash tag {CODE}
-- and a later Redis Cluster can shard by session.  ARGV[1] is the run number
-- where a function acts on a run.  A function that changes what the room shows
-- bumps the session's sequence number (hu:{CODE}:seq) and publishes a change
-- notice "seq<TAB>kind<TAB>run<TAB>fields..." on hu:{CODE}:ch; nodes apply
-- notices in seq order and re-read the session (hu_dump) on a gap.

local function notify(p, ...)
  local seq = redis.call('INCR', p .. ':seq')
  redis.call('PUBLISH', p .. ':ch', seq .. '\t' .. table.concat({...}, '\t'))
  return seq
end

local function rk(p, run) return p .. ':r:' .. run end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function words(s)
  local out = {}
  for w in string.gmatch(s or '', '%S+') do out[#out + 1] = w end
  return out
end

redis.register_function('hu_version', function() return 'handsup_v1 7' end)

-- A session row: hu:{CODE}:s.  0 when the code is taken, else 1.
redis.register_function('hu_session_create', function(keys, args)
  local p = keys[1]
  if redis.call('EXISTS', p .. ':s') == 1 then return 0 end
  redis.call('HSET', p .. ':s', 'key', args[1], 'deck', args[2], 'title', args[3], 'created', args[4])
  return 1
end)

redis.register_function('hu_session_update', function(keys, args)
  local p = keys[1]
  if redis.call('EXISTS', p .. ':s') == 0 then return 0 end
  if args[1] ~= '' then redis.call('HSET', p .. ':s', 'key', args[1]) end
  redis.call('HSET', p .. ':s', 'deck', args[2], 'title', args[3])
  return 1
end)

-- A new run is always new (never merged with a live one): numbered one past
-- every run, and the live one, if any, ended at args[2].
redis.register_function('hu_run_create', function(keys, args)
  local p = keys[1]
  local last = tonumber(redis.call('GET', p .. ':rn') or '0')
  if last > 0 and redis.call('HGET', rk(p, last), 'ended') == '0' then
    redis.call('HSET', rk(p, last), 'ended', args[2])
  end
  local n = redis.call('INCR', p .. ':rn')
  redis.call('HSET', rk(p, n), 'label', args[1], 'started', args[2], 'ended', '0', 'active', args[2],
             'slide', '0')
  notify(p, 'N', n)
  return n
end)

redis.register_function('hu_run_resume', function(keys, args)
  local p, r = keys[1], rk(keys[1], args[1])
  if redis.call('EXISTS', r) == 0 then return 0 end
  redis.call('HSET', r, 'ended', '0', 'active', now_ms())
  if args[2] ~= '' then redis.call('HSET', r, 'label', args[2]) end
  return 1
end)

redis.register_function('hu_run_end', function(keys, args)
  local r = rk(keys[1], args[1])
  if redis.call('EXISTS', r) == 0 then return 0 end
  redis.call('HSET', r, 'ended', args[2], 'active', args[2])
  return 1
end)

-- A participant by the hash of its token: its index, allocated here so that
-- every node agrees on it.
-- args[3] '0' only looks the hash up (-1 when unknown): a token a phone
-- brings back is adopted only if a node issued it.
redis.register_function('hu_join', function(keys, args)
  local p, run, hash = keys[1], args[1], args[2]
  local r = rk(p, run)
  local idx = redis.call('HGET', r .. ':ph', hash)
  if idx then return tonumber(idx) end
  if args[3] == '0' then return -1 end
  idx = redis.call('RPUSH', r .. ':pl', hash) - 1
  redis.call('HSET', r .. ':ph', hash, idx)
  notify(p, 'P', run, idx, hash)
  return idx
end)

-- A vote (args: run, poll, participant, stored choice; "" withdraws).  The
-- poll must be open here, whatever the node believed.
redis.register_function('hu_vote', function(keys, args)
  local p, run, poll, who, choice = keys[1], args[1], args[2], args[3], args[4]
  local r = rk(p, run)
  if redis.call('HGET', r .. ':p:' .. poll, 'status') ~= '1' then
    return redis.error_reply('POLLCLOSED the poll is not open')
  end
  local old = redis.call('HGET', r .. ':v:' .. poll, who)
  if old then
    for _, w in ipairs(words(old)) do redis.call('HINCRBY', r .. ':c:' .. poll, w, -1) end
  end
  if choice == '' then
    redis.call('HDEL', r .. ':v:' .. poll, who)
  else
    redis.call('HSET', r .. ':v:' .. poll, who, choice)
    for _, w in ipairs(words(choice)) do redis.call('HINCRBY', r .. ':c:' .. poll, w, 1) end
  end
  return notify(p, 'V', run, poll, who, choice)
end)

redis.register_function('hu_slide', function(keys, args)
  local p, run = keys[1], args[1]
  redis.call('HSET', rk(p, run), 'slide', args[2], 'active', now_ms())
  return notify(p, 'S', run, args[2])
end)

-- What the projectors show beyond the slide (args: run, slide, fragment,
-- blank, and the slide's discussion timer: started, running, ends at,
-- remaining), so every node's phones and projectors show the same.
redis.register_function('hu_view', function(keys, args)
  local p, run = keys[1], args[1]
  redis.call('HSET', rk(p, run), 'view', table.concat(args, ' ', 2, 8))
  return notify(p, 'W', run, args[2], args[3], args[4], args[5], args[6], args[7], args[8])
end)

-- A poll's row (args: run, poll, kind, question, params, slide, status,
-- revealed, opened, closed, participants at close).
redis.register_function('hu_poll', function(keys, args)
  local p, run, poll = keys[1], args[1], args[2]
  local r = rk(p, run)
  redis.call('HSET', r .. ':p:' .. poll, 'kind', args[3], 'question', args[4], 'params', args[5],
             'slide', args[6], 'status', args[7], 'revealed', args[8], 'opened', args[9], 'closed', args[10],
             'pac', args[11])
  if redis.call('SADD', r .. ':polls', poll) == 1 then redis.call('RPUSH', r .. ':pollorder', poll) end
  return notify(p, 'O', run, poll, args[6], args[7], args[8], args[9], args[10], args[11])
end)

redis.register_function('hu_reset', function(keys, args)
  local p, run, poll = keys[1], args[1], args[2]
  local r = rk(p, run)
  redis.call('DEL', r .. ':v:' .. poll, r .. ':c:' .. poll, r .. ':a:' .. poll)
  redis.call('HDEL', r .. ':ids', 'a:' .. poll)
  return notify(p, 'X', run, 'reset', poll)
end)

-- The next id of a counter (hu:{CODE}:r:N:ids, field name): the one the
-- node proposes (it reserved it) unless another node's took it meanwhile.
local function take_id(r, name, proposed)
  local top = tonumber(redis.call('HGET', r .. ':ids', name) or '0')
  local id = tonumber(proposed)
  if id <= top then id = top + 1 end
  redis.call('HSET', r .. ':ids', name, id)
  return id
end

-- An answer (args: run, poll, proposed id, participant, status, at, text):
-- returns the id it got.
redis.register_function('hu_answer', function(keys, args)
  local p, run, poll = keys[1], args[1], args[2]
  local r = rk(p, run)
  local id = take_id(r, 'a:' .. poll, args[3])
  redis.call('HSET', r .. ':a:' .. poll, id, args[4] .. '\t' .. args[5] .. '\t' .. args[6] .. '\t' .. args[7])
  if redis.call('SADD', r .. ':apolls', poll) == 1 then redis.call('RPUSH', r .. ':apollorder', poll) end
  notify(p, 'A', run, poll, id, args[4], args[5], args[6], args[7])
  return id
end)

local function set_status(key, id, status)
  local v = redis.call('HGET', key, id)
  if not v then return nil end
  local who, _, at, text = string.match(v, '^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$')
  if status == '4' and key:sub(-2) ~= ':q' then text = '' end
  redis.call('HSET', key, id, who .. '\t' .. status .. '\t' .. at .. '\t' .. text)
  return true
end

redis.register_function('hu_answer_status', function(keys, args)
  local p, run, poll = keys[1], args[1], args[2]
  if not set_status(rk(p, run) .. ':a:' .. poll, args[3], args[4]) then
    return redis.error_reply('NOTFOUND no such answer')
  end
  return notify(p, 'a', run, poll, args[3], args[4])
end)

redis.register_function('hu_question', function(keys, args)
  local p, run = keys[1], args[1]
  local r = rk(p, run)
  local id = take_id(r, 'q', args[2])
  redis.call('HSET', r .. ':q', id, args[3] .. '\t' .. args[4] .. '\t' .. args[5] .. '\t' .. args[6])
  notify(p, 'Q', run, id, args[3], args[4], args[5], args[6])
  return id
end)

redis.register_function('hu_question_status', function(keys, args)
  local p, run = keys[1], args[1]
  if not set_status(rk(p, run) .. ':q', args[2], args[3]) then
    return redis.error_reply('NOTFOUND no such question')
  end
  return notify(p, 'q', run, args[2], args[3])
end)

redis.register_function('hu_upvote', function(keys, args)
  local p, run = keys[1], args[1]
  local m = args[2] .. ':' .. args[3]
  if args[4] == '1' then redis.call('SADD', rk(p, run) .. ':u', m) else redis.call('SREM', rk(p, run) .. ':u', m) end
  return notify(p, 'U', run, args[2], args[3], args[4])
end)

-- Everything a node needs to rebuild a run's room, read atomically with the
-- sequence number it reflects: { seq, run hash, polls, participants, votes,
-- answers, questions, upvotes }, each a flat array.
redis.register_function{function_name = 'hu_dump', flags = {'no-writes'}, callback = function(keys, args)
  local p, run = keys[1], args[1]
  local r = rk(p, run)
  local seq = redis.call('GET', p .. ':seq') or '0'
  local runrow = redis.call('HGETALL', r)
  local polls, votes, answers = {}, {}, {}
  for _, id in ipairs(redis.call('LRANGE', r .. ':pollorder', 0, -1)) do
    local h = redis.call('HMGET', r .. ':p:' .. id, 'kind', 'question', 'params', 'slide', 'status', 'revealed',
                         'opened', 'closed', 'pac')
    polls[#polls + 1] = id
    for i = 1, 9 do polls[#polls + 1] = h[i] or '' end
    local v = redis.call('HGETALL', r .. ':v:' .. id)
    for i = 1, #v, 2 do
      votes[#votes + 1] = id; votes[#votes + 1] = v[i]; votes[#votes + 1] = v[i + 1]
    end
  end
  for _, id in ipairs(redis.call('LRANGE', r .. ':apollorder', 0, -1)) do
    local a = redis.call('HGETALL', r .. ':a:' .. id)
    for i = 1, #a, 2 do
      answers[#answers + 1] = id; answers[#answers + 1] = a[i]; answers[#answers + 1] = a[i + 1]
    end
  end
  local participants = redis.call('LRANGE', r .. ':pl', 0, -1)
  local questions = redis.call('HGETALL', r .. ':q')
  local upvotes = redis.call('SMEMBERS', r .. ':u')
  return {seq, runrow, polls, participants, votes, answers, questions, upvotes}
end}

-- A node's heartbeat: its connected phones (args: node id, connected, ttl
-- ms), kept in hu:{CODE}:nodes with an expiry; returns the phones connected
-- to the other live nodes and the session's seq.  Expired entries (a node
-- killed) are dropped.
redis.register_function('hu_beat', function(keys, args)
  local p = keys[1]
  local now = now_ms()
  redis.call('HSET', p .. ':nodes', args[1], args[2] .. ' ' .. (now + tonumber(args[3])))
  local all = redis.call('HGETALL', p .. ':nodes')
  local others = 0
  for i = 1, #all, 2 do
    local n, exp = string.match(all[i + 1], '^(%d+) (%d+)$')
    if not exp or tonumber(exp) < now then
      redis.call('HDEL', p .. ':nodes', all[i])
    elseif all[i] ~= args[1] then
      others = others + tonumber(n)
    end
  end
  -- The seq lets a node check that it still follows the session's notices.
  return {others, tonumber(redis.call('GET', p .. ':seq') or '0')}
end)
