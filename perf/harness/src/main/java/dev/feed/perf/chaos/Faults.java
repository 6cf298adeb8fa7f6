package dev.feed.perf.chaos;

import dev.feed.perf.Shell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The faults, through the same injector operators use ({@code stack/cluster.sh kill|start}, i.e.
 * {@code ./feed cluster kill|start}): SIGKILL a node, keep it down for a while under the
 * workload, start it again and wait until the cluster is whole (Kafka: every partition back to 3
 * in-sync replicas; Cassandra: 3 x UN; Redis: 3 masters and 3 replicas) before the next fault.
 */
final class Faults {
    /** One injected fault: what, which node, when (seconds since the run started) it was killed and was back. */
    record Fault(String kind, String node, String detail, double killedAt, double startedAt, double backAt) {
    }

    private final Path clusterScript;
    private final String kafkaBootstrap;
    private final int redisPort;
    private final int cassandraJmxPort;
    private final Outcomes clock;

    Faults(Path root, String kafkaBootstrap, int redisPort, int cassandraJmxPort, Outcomes clock) {
        this.clusterScript = root.resolve("stack/cluster.sh");
        this.kafkaBootstrap = kafkaBootstrap;
        this.redisPort = redisPort;
        this.cassandraJmxPort = cassandraJmxPort;
        this.clock = clock;
    }

    /** The broker leading partition 0 of {@code topic} (the issue's "partition leader"). */
    String kafkaLeaderOf(String topic) {
        try (Admin admin = admin()) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            return "kafka-" + d.partitions().get(0).leader().id();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + topic, e);
        }
    }

    /** The active KRaft controller. */
    String kafkaController() {
        try (Admin admin = admin()) {
            return "kafka-" + admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe the metadata quorum", e);
        }
    }

    boolean kafkaFullyReplicated(List<String> topics) {
        try (Admin admin = admin()) {
            for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(20, TimeUnit.SECONDS).values()) {
                for (TopicPartitionInfo p : d.partitions()) {
                    if (p.isr().size() < 3 || p.leader() == null) {
                        return false;
                    }
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** A Redis master node name (redis-N), the {@code index}-th of the masters in port order. */
    String redisMaster(int index) {
        List<String> masters = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try {
                String role = Shell.run(List.of("redis-cli", "-p", String.valueOf(redisPort + i), "role"), Map.of());
                if (role.startsWith("master")) {
                    masters.add("redis-" + (i + 1));
                }
            } catch (IllegalStateException down) {
                // a node that does not answer is no candidate
            }
        }
        if (masters.isEmpty()) {
            throw new IllegalStateException("no Redis master answers");
        }
        return masters.get(index % masters.size());
    }

    boolean redisFormed() {
        return succeeds(List.of("bash", clusterScript.toString(), "redis-formed"));
    }

    /**
     * Every slot served again after a master died: the cluster marked it failed and a promoted
     * replica holds its slots, as some other node sees it (cluster_state:ok alone is still true
     * for the node timeout right after the kill).
     */
    boolean redisServing(String deadNode) {
        int dead = Integer.parseInt(deadNode.substring(deadNode.lastIndexOf('-') + 1));
        String deadAddress = "127.0.0.1:" + (redisPort + dead - 1) + "@";
        for (int i = 0; i < 6; i++) {
            if (i + 1 == dead) {
                continue;
            }
            try {
                String port = String.valueOf(redisPort + i);
                String info = Shell.run(List.of("redis-cli", "-p", port, "cluster", "info"), Map.of());
                String nodes = Shell.run(List.of("redis-cli", "-p", port, "cluster", "nodes"), Map.of());
                long mastersWithSlots = nodes.lines().map(l -> l.split(" "))
                        .filter(f -> f.length >= 9 && f[2].contains("master") && !f[2].contains("fail")).count();
                boolean deadMarked = nodes.lines().anyMatch(l -> l.contains(deadAddress) && l.contains("fail") && !l.contains("fail?"));
                return info.contains("cluster_state:ok") && deadMarked && mastersWithSlots >= 3;
            } catch (IllegalStateException e) {
                // try the next node
            }
        }
        return false;
    }

    /**
     * 3 x UN as every node sees it, read in-process over each node's local JMX port (the
     * StorageService attributes nodetool status reads): no JVM started per poll, which took
     * seconds on the busy machine.
     */
    boolean cassandraAllUp() {
        for (int i = 0; i < 3; i++) {
            if (!cassandraSeesAllUp(cassandraJmxPort + i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean cassandraSeesAllUp(int jmxPort) {
        var url = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi";
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(url), Map.of())) {
            MBeanServerConnection mbeans = c.getMBeanServerConnection();
            ObjectName ss = new ObjectName("org.apache.cassandra.db:type=StorageService");
            return ((List<?>) mbeans.getAttribute(ss, "LiveNodes")).size() >= 3 && ((List<?>) mbeans.getAttribute(ss, "UnreachableNodes")).isEmpty()
                    && ((List<?>) mbeans.getAttribute(ss, "JoiningNodes")).isEmpty() && ((List<?>) mbeans.getAttribute(ss, "LeavingNodes")).isEmpty()
                    && ((List<?>) mbeans.getAttribute(ss, "MovingNodes")).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    void kill(String node) {
        Shell.run(List.of("bash", clusterScript.toString(), "kill", node), Map.of());
        System.out.printf("  %6.1fs killed %s%n", clock.now(), node);
    }

    void start(String node) {
        long t0 = System.nanoTime();
        Shell.run(List.of("bash", clusterScript.toString(), "start", node), Map.of());
        System.out.printf("  %6.1fs started %s (%.0f s)%n", clock.now(), node, (System.nanoTime() - t0) / 1e9);
    }

    /** Polls {@code condition} every second until it holds or {@code max} passes; false on timeout. */
    static boolean await(BooleanSupplier condition, Duration max) {
        try {
            Awaitility.await().atMost(max).pollInterval(Duration.ofSeconds(1)).until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException timedOut) {
            return false;
        }
    }

    /**
     * A deliberate pause of the run's own timeline (a fault held down, the workload's pace), not a
     * wait for a condition: those go through {@link #await}.
     */
    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean succeeds(List<String> command) {
        try {
            Shell.run(command, Map.of());
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        return Admin.create(p);
    }
}
