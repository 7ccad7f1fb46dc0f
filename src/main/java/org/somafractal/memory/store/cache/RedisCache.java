package org.somafractal.memory.store.cache;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.somafractal.memory.core.Coordinate;
import org.somafractal.memory.core.Memory;
import org.somafractal.memory.core.MemoryType;
import org.somafractal.memory.core.SomaException;
import org.somafractal.memory.core.Vectors;
import org.somafractal.memory.redis.RedisConnection;
import org.somafractal.memory.redis.RedisScript;

/**
 * The {@link Cache} of the server modes, in the Redis every node shares, through vertx-redis-client. Each operation
 * is one Lua script, so it is atomic in Redis and costs one round trip; every call has the connection's timeout, and
 * while the connection counts as down ({@link RedisConnection#available()}) calls fail at once without touching the
 * network.
 *
 * <p>Keys, under {@code SOMA_REDIS_KEY_PREFIX} + {@code cache:}: {@code epoch} (the generation, an integer), and per
 * generation and tenant ({@code <len>:<tenant>}, so no tenant name can reach into another's keys)
 * {@code m:<id>} (a hash: k = coordinate key, m = the row as JSON, v = the vector as little-endian float32 bytes,
 * a = last access, n = access count, s = seq), {@code p:<key>} (the id at the coordinate) and {@code x:<key>} (the
 * invalidation marker). Entries and pointers expire after the TTL, markers after {@link Cache#MARKER_TTL_MS}; a new
 * generation leaves the old keys to expire. Keys are built inside the scripts, which therefore suit a standalone
 * Redis (or a primary with replicas), not Redis Cluster.
 *
 * <p>Thread-safe.
 */
public final class RedisCache implements Cache {
  /** The scripts' shared head: the generation and the key base of the tenant in it. */
  private static final String HEAD = """
      local e = redis.call('GET', ARGV[1] .. 'epoch') or '0'
      local base = ARGV[1] .. e .. ':' .. ARGV[2] .. ':'
      """;
  /** ARGV[3] = 'k' (ARGV[4..] are keys) or 'i' (ids). Returns {generation, then per item 0 or {k, m, v, a, n}}. */
  private static final RedisScript READ = new RedisScript(HEAD + """
      local out = {tonumber(e)}
      for i = 4, #ARGV do
        local key, id = nil, nil
        if ARGV[3] == 'k' then
          key = ARGV[i]
          id = redis.call('GET', base .. 'p:' .. key)
        else
          id = ARGV[i]
        end
        local h = false
        if id then
          h = redis.call('HMGET', base .. 'm:' .. id, 'k', 'm', 'v', 'a', 'n')
          if not h[1] or (key and h[1] ~= key)
              or (not key and redis.call('GET', base .. 'p:' .. h[1]) ~= id) then
            h = false
          end
        end
        if h then out[#out + 1] = h else out[#out + 1] = 0 end
      end
      return out
      """);
  /** ARGV[3] = generation, ARGV[4] = TTL ms, then per row: key, id, seq, json, vector, last access, count. */
  private static final RedisScript FILL = new RedisScript(HEAD + """
      if e ~= ARGV[3] then return 0 end
      local filled = 0
      for i = 5, #ARGV, 7 do
        local key, id, seq = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
        local marker = redis.call('GET', base .. 'x:' .. key)
        local ok = not marker or tonumber(marker) <= seq
        if ok then
          local current = redis.call('GET', base .. 'p:' .. key)
          if current then
            local s = redis.call('HGET', base .. 'm:' .. current, 's')
            if s and tonumber(s) > seq then ok = false end
          end
        end
        if ok then
          local h = base .. 'm:' .. id
          redis.call('SET', base .. 'p:' .. key, id, 'PX', ARGV[4])
          redis.call('DEL', h)
          redis.call('HSET', h, 'k', key, 'm', ARGV[i + 3], 'v', ARGV[i + 4], 'a', ARGV[i + 5], 'n', ARGV[i + 6],
            's', ARGV[i + 2])
          redis.call('PEXPIRE', h, ARGV[4])
          filled = filled + 1
        end
      end
      return filled
      """);
  /** ARGV[3] = marker TTL ms, then per change: key, seq. */
  private static final RedisScript INVALIDATE = new RedisScript(HEAD + """
      for i = 4, #ARGV, 2 do
        local key, seq = ARGV[i], ARGV[i + 1]
        local x = base .. 'x:' .. key
        local old = redis.call('GET', x)
        if old and tonumber(old) > tonumber(seq) then seq = old end
        redis.call('SET', x, seq, 'PX', ARGV[3])
        local p = base .. 'p:' .. key
        local id = redis.call('GET', p)
        if id then redis.call('DEL', p, base .. 'm:' .. id) end
      end
      return 0
      """);
  /** ARGV[3] = time of the reads, then the ids. */
  private static final RedisScript TOUCH = new RedisScript(HEAD + """
      for i = 4, #ARGV do
        local h = base .. 'm:' .. ARGV[i]
        if redis.call('EXISTS', h) == 1 then
          redis.call('HINCRBY', h, 'n', 1)
          if tonumber(redis.call('HGET', h, 'a')) < tonumber(ARGV[3]) then redis.call('HSET', h, 'a', ARGV[3]) end
        end
      end
      return 0
      """);

  private final RedisConnection redis;
  private final String prefix;
  private final long ttlMs;

  /**
   * @param redis the node's Redis connection (its timeout applies to every call)
   * @param ttlMs how long a row stays cached
   */
  public RedisCache(RedisConnection redis, long ttlMs) {
    this.redis = redis;
    this.prefix = redis.key("cache:");
    this.ttlMs = ttlMs;
  }

  @Override
  public Future<Hits> byKeys(String tenant, Collection<String> keys) {
    return read(tenant, "k", keys);
  }

  @Override
  public Future<Hits> byIds(String tenant, Collection<String> ids) {
    return read(tenant, "i", ids);
  }

  private Future<Hits> read(String tenant, String mode, Collection<String> items) {
    List<Object> args = new ArrayList<>(items.size() + 3);
    args.add(prefix);
    args.add(tag(tenant));
    args.add(mode);
    args.addAll(items);
    return run(READ, args).map(reply -> {
      List<Memory> found = new ArrayList<>();
      for (int i = 1; i < reply.size(); i++) {
        Response h = reply.get(i);
        if (h != null && h.type() == ResponseType.MULTI) {
          found.add(decode(tenant, h));
        }
      }
      return new Hits(found, reply.get(0).toLong());
    });
  }

  @Override
  public Future<Integer> fill(String tenant, List<Memory> memories, long generation) {
    if (memories.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Object> args = new ArrayList<>(4 + memories.size() * 7);
    args.add(prefix);
    args.add(tag(tenant));
    args.add(generation);
    args.add(ttlMs);
    for (Memory m : memories) {
      args.add(m.key());
      args.add(m.id());
      args.add(m.seq());
      args.add(encode(m));
      args.add(m.vector() == null ? new byte[0] : Vectors.toBytes(m.vector()));
      args.add(m.lastAccessedAt());
      args.add(m.accessCount());
    }
    return run(FILL, args).map(Response::toInteger);
  }

  @Override
  public Future<Void> invalidate(String tenant, List<Change> changes) {
    if (changes.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Object> args = new ArrayList<>(3 + changes.size() * 2);
    args.add(prefix);
    args.add(tag(tenant));
    args.add(MARKER_TTL_MS);
    for (Change c : changes) {
      args.add(c.key());
      args.add(c.seq());
    }
    return run(INVALIDATE, args).mapEmpty();
  }

  @Override
  public Future<Void> touched(String tenant, List<String> ids, long at) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Object> args = new ArrayList<>(3 + ids.size());
    args.add(prefix);
    args.add(tag(tenant));
    args.add(at);
    args.addAll(ids);
    return run(TOUCH, args).mapEmpty();
  }

  @Override
  public Future<Long> clear() {
    if (!redis.available()) {
      return Future.failedFuture(down());
    }
    return redis.send(Request.cmd(Command.INCR).arg(prefix + "epoch")).map(Response::toLong);
  }

  @Override
  public String name() {
    return "redis";
  }

  private Future<Response> run(RedisScript script, List<Object> args) {
    if (!redis.available()) {
      return Future.failedFuture(down());
    }
    return redis.eval(script, args);
  }

  private static SomaException down() {
    return SomaException.unavailable("Redis is unavailable");
  }

  /** The tenant's part of a key: its length first, so that no tenant name can spell another's keys. */
  private static String tag(String tenant) {
    return tenant.length() + ":" + tenant;
  }

  /** The row without what the hash keeps in fields of their own (vector, access statistics). */
  private static String encode(Memory m) {
    return new JsonObject()
        .put("id", m.id())
        .put("p", m.payload())
        .put("y", m.type().code())
        .put("i", m.importance())
        .put("md", m.metadata())
        .put("x", m.text())
        .put("mo", m.modelId())
        .put("ca", m.createdAt())
        .put("ua", m.updatedAt())
        .put("s", m.seq())
        .encode();
  }

  private static Memory decode(String tenant, Response h) {
    String key = h.get(0).toString();
    JsonObject j = new JsonObject(h.get(1).toString());
    byte[] vector = h.get(2).toBytes();
    return new Memory(j.getString("id"), tenant, Coordinate.parse(key), j.getJsonObject("p"),
        MemoryType.ofCode(j.getInteger("y")), j.getDouble("i"), j.getJsonObject("md"), j.getString("x"),
        vector.length == 0 ? null : Vectors.fromBytes(vector), j.getString("mo"), j.getLong("ca"), j.getLong("ua"),
        h.get(3).toLong(), h.get(4).toLong(), j.getLong("s"));
  }
}
