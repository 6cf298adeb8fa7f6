package dev.feed.fanout.redis;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script called by its SHA1, computed locally. Redis forgets scripts on restart or
 * SCRIPT FLUSH, and a cluster failover lands on a node that never saw them; so a NOSCRIPT answer
 * resends the same calls as EVAL with the source, which also caches the script on whichever
 * node the keys live on. The scripts are idempotent, so a resend is safe.
 */
public final class LuaScript {
    private final String source;
    private final String sha;

    public LuaScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    /** One call on one key (one key: one Redis Cluster hash slot). */
    public Call call(String key, Object... args) {
        return call(List.of(key), args);
    }

    /** One call on several keys; the caller keeps them inside one hash slot (see {@link HashSlots}). */
    public Call call(List<String> keys, Object... args) {
        return new Call(keys, args);
    }

    public Uni<Response> send(RedisPipeline pipeline, Call call) {
        return pipeline.send(call.request(false))
                .onFailure(LuaScript::isNoScript).recoverWithUni(() -> pipeline.send(call.request(true)));
    }

    /** One pipelined round trip (two if the script was not loaded yet). */
    public Uni<List<Response>> batch(RedisPipeline pipeline, List<Call> calls) {
        return pipeline.batch(requests(calls, false))
                .onFailure(LuaScript::isNoScript).recoverWithUni(() -> pipeline.batch(requests(calls, true)));
    }

    private static List<Request> requests(List<Call> calls, boolean withSource) {
        List<Request> requests = new ArrayList<>(calls.size());
        for (Call call : calls) {
            requests.add(call.request(withSource));
        }
        return requests;
    }

    private static boolean isNoScript(Throwable failure) {
        // A batch reports the first failed reply as "ERR [index] NOSCRIPT ...", a single send as "NOSCRIPT ...".
        return failure.getMessage() != null && failure.getMessage().contains("NOSCRIPT");
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keys and arguments of one invocation, sendable as EVALSHA or, after NOSCRIPT, as EVAL. */
    public final class Call {
        private final List<String> keys;
        private final Object[] args;

        private Call(List<String> keys, Object[] args) {
            this.keys = keys;
            this.args = args;
        }

        Request request(boolean withSource) {
            Request request = withSource
                    ? Request.cmd(Command.EVAL).arg(source)
                    : Request.cmd(Command.EVALSHA).arg(sha);
            request.arg(keys.size());
            keys.forEach(request::arg);
            for (Object arg : args) {
                request.arg(String.valueOf(arg));
            }
            return request;
        }
    }
}
