package dev.feed.perf.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The traffic that runs while faults are injected, all to the load balancer on 127.0.0.1:
 * publishers (push- and pull-tier authors), follows and unfollows of push- and pull-tier authors,
 * deletes, active readers reading their first page. Each kind is one thread at a fixed pace, so
 * the load is bounded in rate; the run is bounded in time by the faults.
 */
final class Workload {
    private final Api api;
    private final Model model;
    private final Users users;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService threads = Executors.newFixedThreadPool(5);
    private final AtomicInteger published = new AtomicInteger();

    /** Who is who: ids of authors by tier and of readers. */
    record Users(List<Long> pullAuthors, long bigAuthor, List<Long> pushAuthors, List<Long> activeReaders, List<Long> all) {
    }

    Workload(Api api, Model model, Users users) {
        this.api = api;
        this.model = model;
        this.users = users;
    }

    void start(long paceMillis) {
        threads.submit(() -> loop(paceMillis, this::publishOne));
        threads.submit(() -> loop(paceMillis, this::publishOne));
        threads.submit(() -> loop(paceMillis * 2, this::followOrUnfollow));
        threads.submit(() -> loop(paceMillis * 3, this::deleteOne));
        threads.submit(() -> loop(paceMillis / 2, this::readOne));
    }

    void stop() throws InterruptedException {
        running.set(false);
        threads.shutdown();
        threads.awaitTermination(60, TimeUnit.SECONDS);
    }

    private void loop(long paceMillis, Runnable step) {
        Random rnd = new Random();
        while (running.get()) {
            try {
                step.run();
            } catch (RuntimeException e) {
                System.out.println("    workload step failed: " + e);
            }
            Faults.sleep(java.time.Duration.ofMillis(paceMillis / 2 + rnd.nextLong(paceMillis)));
        }
    }

    private static <T> T pick(List<T> list) {
        return list.get(java.util.concurrent.ThreadLocalRandom.current().nextInt(list.size()));
    }

    void publishOne() {
        var rnd = java.util.concurrent.ThreadLocalRandom.current();
        long author = rnd.nextInt(4) == 0 ? pick(users.pullAuthors()) : rnd.nextInt(5) == 0 ? pick(users.activeReaders()) : pick(users.pushAuthors());
        publish(author);
    }

    /** Publishes once; an ambiguous answer leaves a pending publish, retried later with the same key. */
    Model.Post publish(long author) {
        String key = UUID.randomUUID().toString();
        String text = "chaos post " + published.incrementAndGet() + " by " + author;
        return publish(new Model.PendingPublish(author, key, text));
    }

    Model.Post publish(Model.PendingPublish p) {
        Api.Call c = api.publish(p.author(), p.text(), p.key());
        if (c.ok()) {
            Model.Post post = new Model.Post(Long.parseLong(c.body().path("id").asText()), p.author(),
                    java.time.Instant.parse(c.body().path("createdAt").asText()).toEpochMilli());
            model.acknowledged(post, p.key());
            return post;
        }
        model.publishPending(p);
        return null;
    }

    private void followOrUnfollow() {
        long reader = pick(users.all());
        long followee = java.util.concurrent.ThreadLocalRandom.current().nextInt(4) == 0 ? pick(users.pullAuthors()) : pick(users.pushAuthors());
        if (reader == followee || model.edgePending(reader, followee)) {
            return;
        }
        boolean follow = !model.followees(reader).contains(followee);
        edge(reader, followee, follow);
    }

    void edge(long reader, long followee, boolean follow) {
        Api.Call c = follow ? api.follow(reader, followee) : api.unfollow(reader, followee);
        model.edge(reader, followee, follow, c.ok());
    }

    private void deleteOne() {
        long author = pick(users.pushAuthors());
        List<Model.Post> mine = new ArrayList<>(model.postsOf(author).stream().filter(p -> !model.deleted(p.id())).toList());
        if (!mine.isEmpty()) {
            delete(pick(mine).id(), author);
        }
    }

    void delete(long postId, long author) {
        model.deleteAsked(postId);
        if (api.delete(author, postId).ok()) {
            model.deleteAcknowledged(postId);
        }
    }

    private void readOne() {
        api.timeline(pick(users.activeReaders()), null, 20);
    }

    /** Re-issues every pending intent until each is acknowledged, or {@code max} passes; the count still pending. */
    int resolve(java.time.Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            for (Model.PendingPublish p : model.pendingPublishes()) {
                publish(p);
            }
            for (var e : model.pendingEdges().entrySet()) {
                String[] fe = e.getKey().split(":");
                edge(Long.parseLong(fe[0]), Long.parseLong(fe[1]), e.getValue());
            }
            for (long id : model.pendingDeletes()) {
                Model.Post p = model.posts().get(id);
                if (api.delete(p.author(), id).ok()) {
                    model.deleteAcknowledged(id);
                }
            }
            int left = model.pendingPublishes().size() + model.pendingEdges().size() + model.pendingDeletes().size();
            if (left == 0 || System.nanoTime() > deadline) {
                return left;
            }
            Faults.sleep(java.time.Duration.ofSeconds(2));
        }
    }
}
