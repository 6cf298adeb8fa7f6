package dev.feed.layout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The shared key layout and scripts. What the scripts do to real Redis is tested where they run:
 * fanout-worker's InboxStoreTest and feed-service's OutboxStoreTest and timeline tests.
 */
class RedisLayoutTest {

    @Test
    void inboxAndItsFloor_shareOneHashTag_soOneScriptCallMayTouchBoth() {
        assertThat(RedisKeys.inbox(42)).isEqualTo("inbox:{42}");
        assertThat(RedisKeys.inboxFloor(42)).isEqualTo("inbox-floor:{42}");
        assertThat(hashTag(RedisKeys.inbox(42))).isEqualTo(hashTag(RedisKeys.inboxFloor(42))).isEqualTo("42");
        assertThat(RedisKeys.outbox(7)).isEqualTo("outbox:{7}");
    }

    @Test
    void sentinel_isNoPostId_andItsMemberIsItsDecimal() {
        assertThat(RedisKeys.SENTINEL).isZero();
        assertThat(RedisKeys.SENTINEL_MEMBER).isEqualTo("0");
    }

    @Test
    void scripts_loadFromTheJar_asLua() {
        assertThat(RedisScripts.PUSH_IF_PRESENT).contains("redis.call('ZCARD', KEYS[i])").contains("return {present, added}");
        assertThat(RedisScripts.MERGE_IF_ACTIVE).contains("redis.call('EXISTS', KEYS[1])");
    }

    @Test
    void inboxDefaults_parseAsTheConfigMappingsReadThem() {
        assertThat(Integer.parseInt(InboxDefaults.MAX_ENTRIES)).isPositive();
        assertThat(java.time.Duration.parse(InboxDefaults.TTL)).isPositive();
    }

    private static String hashTag(String key) {
        return key.substring(key.indexOf('{') + 1, key.indexOf('}'));
    }
}
