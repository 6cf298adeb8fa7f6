package dev.feed.fanout.kafka;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * Runs the records of one poll concurrently across keys and in order within a key: events of
 * one author (or one post's push then unpush of the same batch) must not overtake each other,
 * while unrelated keys need not wait.
 */
public final class PerKey {
    private PerKey() {
    }

    public static Uni<Void> process(ConsumerRecords<String, String> records,
                                    Function<ConsumerRecord<String, String>, Uni<Void>> work) {
        Map<String, List<ConsumerRecord<String, String>>> byKey = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            byKey.computeIfAbsent(String.valueOf(record.key()), k -> new ArrayList<>()).add(record);
        }
        if (byKey.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> chains = new ArrayList<>(byKey.size());
        for (List<ConsumerRecord<String, String>> sameKey : byKey.values()) {
            chains.add(inOrder(sameKey, work));
        }
        return Uni.join().all(chains).andFailFast().replaceWithVoid();
    }

    private static Uni<Void> inOrder(List<ConsumerRecord<String, String>> records,
                                     Function<ConsumerRecord<String, String>, Uni<Void>> work) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (ConsumerRecord<String, String> record : records) {
            chain = chain.chain(() -> work.apply(record));
        }
        return chain;
    }
}
