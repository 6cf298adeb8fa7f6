package dev.feed.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventLoopRedisTest {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

    /** Records which calls reached it; answers nothing useful (the router only picks the client). */
    private static final class Recording implements Redis {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public Future<RedisConnection> connect() {
            calls.add("connect");
            return Future.failedFuture("not used");
        }

        @Override
        public Future<Response> send(Request request) {
            calls.add("send");
            return Future.succeededFuture();
        }

        @Override
        public Future<List<Response>> batch(List<Request> requests) {
            calls.add("batch");
            return Future.succeededFuture(List.of());
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void calls_goToTheClientOfTheEventLoopTheyAreMadeOn_otherThreadsToTheFallback() {
        VertxInternal internal = (VertxInternal) vertx;
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : internal.getEventLoopGroup()) {
            loops.add((EventLoop) executor);
        }
        Map<EventLoop, Redis> byLoop = new LinkedHashMap<>();
        List<Recording> clients = new ArrayList<>();
        for (EventLoop loop : loops) {
            Recording client = new Recording();
            clients.add(client);
            byLoop.put(loop, client);
        }
        Recording fallback = new Recording();
        EventLoopRedis router = new EventLoopRedis(byLoop, fallback);

        for (int i = 0; i < loops.size(); i++) {
            ContextInternal context = internal.createEventLoopContext(loops.get(i), null, getClass().getClassLoader());
            CompletableFuture<Void> done = new CompletableFuture<>();
            context.runOnContext(v -> {
                router.send(Request.cmd(Command.PING));
                router.batch(List.of(Request.cmd(Command.PING)));
                done.complete(null);
            });
            done.join();
        }
        router.send(Request.cmd(Command.PING)); // the test thread: no Vert.x context

        assertThat(loops).hasSize(2);
        assertThat(clients.get(0).calls).containsExactly("send", "batch");
        assertThat(clients.get(1).calls).containsExactly("send", "batch");
        assertThat(fallback.calls).containsExactly("send");

        router.close();
        assertThat(clients).allSatisfy(c -> assertThat(c.calls).endsWith("close"));
    }

    @Test
    void close_withoutPerLoopClients_closesTheOneClient() {
        Recording only = new Recording();

        new EventLoopRedis(Map.of(), only).close();

        assertThat(only.calls).containsExactly("close");
    }
}
