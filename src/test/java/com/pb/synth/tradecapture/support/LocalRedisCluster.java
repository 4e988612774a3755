package com.pb.synth.tradecapture.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis Cluster on loopback: three masters, each with one replica, from the Redis binary
 * embedded-redis ships, joined with CLUSTER MEET / ADDSLOTS / REPLICATE as {@code redis-cli --cluster
 * create} would. A node that stops is failed over to its replica after {@code cluster-node-timeout}
 * (2 s here). Node files live in a temporary directory.
 */
public final class LocalRedisCluster {

    private static final int SLOTS = 16384;
    private static volatile LocalRedisCluster current;

    private final Path dir;
    private final List<Integer> ports = new ArrayList<>();
    private final List<RedisServer> servers = new ArrayList<>();
    private final int masters;

    private LocalRedisCluster(int masters) throws IOException {
        this.masters = masters;
        this.dir = Files.createTempDirectory("tradecapture-redis-cluster");
    }

    /** The cluster the running test's servers use, if any. */
    public static LocalRedisCluster current() {
        return current;
    }

    public static LocalRedisCluster start(int masters) throws IOException {
        LocalRedisCluster c = new LocalRedisCluster(masters);
        current = c;
        try {
            c.startNodes();
            c.join();
        } catch (RuntimeException | IOException e) {
            c.stop();
            throw e;
        }
        return c;
    }

    private void startNodes() throws IOException {
        for (int i = 0; i < masters * 2; i++) {
            int port = RealServers.freePort();
            RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("cluster-enabled yes")
                    .setting("cluster-config-file " + dir.resolve("nodes-" + port + ".conf"))
                    .setting("cluster-node-timeout 2000")
                    .setting("dir " + dir)
                    .setting("save \"\"").setting("appendonly no").build();
            server.start();
            ports.add(port);
            servers.add(server);
        }
    }

    private void join() {
        try (Jedis first = jedis(ports.get(0))) {
            for (int port : ports.subList(1, ports.size())) {
                first.clusterMeet("127.0.0.1", port);
            }
        }
        for (int m = 0; m < masters; m++) {
            int from = m * SLOTS / masters, to = (m + 1) * SLOTS / masters;
            try (Jedis master = jedis(ports.get(m))) {
                master.clusterAddSlots(IntStream.range(from, to).toArray());
            }
        }
        await("every node knows every other").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> ports.stream().allMatch(p -> {
                    try (Jedis j = jedis(p)) {
                        return j.clusterNodes().lines().filter(l -> !l.contains("handshake")).count() == ports.size();
                    }
                }));
        for (int m = 0; m < masters; m++) {
            String masterId;
            try (Jedis master = jedis(ports.get(m))) {
                masterId = myId(master);
            }
            try (Jedis replica = jedis(ports.get(masters + m))) {
                replica.clusterReplicate(masterId);
            }
        }
        await("cluster state ok with every replica attached").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> ports.stream().allMatch(p -> {
                    try (Jedis j = jedis(p)) {
                        return j.clusterInfo().contains("cluster_state:ok")
                                && j.clusterNodes().lines().filter(l -> l.contains("slave")).count() == masters;
                    }
                }));
    }

    private static String myId(Jedis j) {
        return j.clusterNodes().lines().filter(l -> l.contains("myself")).findFirst().orElseThrow().split(" ")[0];
    }

    private static Jedis jedis(int port) {
        return new Jedis("127.0.0.1", port, 2000);
    }

    /** The seed addresses for the client: every node. */
    public String hosts() {
        return String.join(",", ports.stream().map(p -> "redis://127.0.0.1:" + p).toList());
    }

    /** Port of the master that serves this slot now. */
    public int masterOf(int slot) {
        for (int i = 0; i < ports.size(); i++) {
            if (servers.get(i).isActive()) {
                try (Jedis j = jedis(ports.get(i))) {
                    for (String line : j.clusterNodes().split("\n")) {
                        String[] f = line.trim().split(" ");
                        if (f.length > 8 && f[2].contains("master") && !f[2].contains("fail")) {
                            for (int k = 8; k < f.length; k++) {
                                String[] range = f[k].split("-");
                                int lo = Integer.parseInt(range[0]);
                                int hi = range.length > 1 ? Integer.parseInt(range[1]) : lo;
                                if (slot >= lo && slot <= hi) {
                                    return Integer.parseInt(f[1].split("[:@]")[1]);
                                }
                            }
                        }
                    }
                }
            }
        }
        throw new IllegalStateException("no master serves slot " + slot);
    }

    /** Stops (SIGTERM, no persistence) the node on this port, as a crashed master. */
    public void stopNode(int port) throws IOException {
        servers.get(ports.indexOf(port)).stop();
    }

    /** True when every live node reports the cluster OK and no live node thinks a master is missing. */
    public boolean healthy() {
        for (int i = 0; i < ports.size(); i++) {
            if (servers.get(i).isActive()) {
                try (Jedis j = jedis(ports.get(i))) {
                    if (!j.clusterInfo().contains("cluster_state:ok")) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    public void stop() {
        for (RedisServer s : servers) {
            try {
                s.stop();
            } catch (Exception ignored) {
                // best effort
            }
        }
        current = null;
    }
}
