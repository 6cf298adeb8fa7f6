package dev.feed.fanout.kafka;

import io.smallrye.mutiny.Uni;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/** The work of one poll. Completing means every record is done and its offset may be committed. */
@FunctionalInterface
public interface RecordsHandler {
    Uni<Void> handle(ConsumerRecords<String, String> records);
}
