package com.pb.synth.tradecapture.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * The capture pipeline's knobs. The three that matter most in production: {@code lock.ttl} (renewed
 * while a batch runs, so it bounds how long a dead owner's keys stay locked),
 * {@code retry.max-backoff} (how quickly capture resumes after an outage) and the consumer's
 * {@code KAFKA_MAX_POLL_RECORDS} (the batch size, set on the channel).
 *
 * <p>A knob read from an environment variable has its default once, in {@code application.properties}
 * ({@code capture.x=${ENV:default}}); the others have theirs here, in {@code @WithDefault}.
 */
@ConfigMapping(prefix = "capture")
public interface CaptureConfig {

    /** Region this instance captures for: us, emea or apac. */
    String region();

    /**
     * The region's business time zone (REGION_TIMEZONE: America/New_York, Europe/London, Asia/Tokyo);
     * an unknown zone stops the service at start. The business-hours gauge is timed by it.
     */
    ZoneId regionTimezone();

    /** Identifies this instance in events and metrics; defaults to the host name. */
    Optional<String> instanceId();

    Topics topics();

    Lock lock();

    Retry retry();

    Reference reference();

    Producer producer();

    Http http();

    Store store();

    Isolation isolation();

    Sequence sequence();

    Stall stall();

    Kafka kafka();

    Shutdown shutdown();

    Monitoring monitoring();

    /** What the meters beyond the counters need. */
    interface Monitoring {
        /** How often the consumer lag gauge reads the group's committed and end offsets from the broker. */
        Duration lagInterval();

        /** The region's business hours, local time, Monday to Friday (the {@code region.business.hours} gauge). */
        String businessHours();

        /** How often the {@code trade.exceptions.open} gauge counts the open exceptions. */
        Duration exceptionsInterval();
    }

    /**
     * The input consumers' group membership. Only the keys of the protocol in use reach the client:
     * under {@code consumer} (KIP-848) kafka-clients refuses the classic protocol's assignor and
     * timeouts, whose equivalents are then the brokers' {@code group.consumer.*} settings.
     */
    interface Kafka {
        /**
         * KAFKA_ENABLED, the replaced service's switch: only {@code true} is accepted, since Kafka is
         * this service's input and output; {@code false} stops the service at start, saying so.
         */
        boolean enabled();

        /** {@code consumer} (KIP-848, broker-side incremental assignment) or {@code classic}. */
        String groupProtocol();

        /** Classic protocol only: the assignor; the source document's StickyAssignor stays selectable. */
        String partitionAssignmentStrategy();

        /** Classic protocol only: how long a silent member keeps its partitions. */
        int sessionTimeoutMs();

        /** Classic protocol only. */
        int heartbeatIntervalMs();

        /** Consumer protocol only: the broker-side assignor ({@code uniform} or {@code range}); the broker's default when absent. */
        Optional<String> groupRemoteAssignor();

        /**
         * Static membership: each consumer joins as {@code <instance id>-<n>}, so an instance that
         * restarts within the session timeout gets its partitions back without a rebalance. Only
         * with an explicit {@code INSTANCE_ID} (the pod name): two live members with one id fence
         * each other.
         */
        boolean staticMembership();

        /**
         * Whether a static member leaves the group when the instance stops (its partitions move at
         * once) instead of keeping them until the session times out. Scale-in needs this.
         */
        boolean leaveGroupOnShutdown();
    }

    /** What SIGTERM does: stop fetching, finish the batches in flight, commit, release, leave the group. */
    interface Shutdown {
        /** Longest wait for the batches in flight; what is not captured by then is read again by the next owner. */
        Duration drainTimeout();
    }

    /** How a batch that fails for some record's data is split until that record is found and set aside. */
    interface Isolation {
        /**
         * Attempts of a batch whose failure fits no known kind before it is split like a data error.
         * A single record is set aside for such a failure only while Redis and the database answer.
         */
        @WithDefault("3")
        int unclassifiedAttempts();
    }

    /** Upstream sequence numbers per partition key: gaps are held back, not applied out of order. */
    interface Sequence {
        /** How long a trade waits for the gap before it; then it goes to exceptions (SEQUENCE_GAP). */
        Duration gapTimeout();

        /** Most trades held per instance; beyond it the newest held go to exceptions at once. */
        int maxHeld();

        /** How often held trades are looked at for an expired gap timeout. */
        @WithDefault("1s")
        Duration sweepInterval();
    }

    /** When capture counts as stalled: readiness DOWN and one ERROR line naming partition, offset and cause. */
    interface Stall {
        /** Age of the oldest record handed to capture and not yet captured, per partition. */
        Duration threshold();
    }

    /** Which database capture writes to: PostgreSQL (the Quarkus datasource) or SQL Server (built here). */
    interface Store {
        /** {@code postgresql}, {@code mssql} or {@code babelfish} (DB_KIND; else taken from DATABASE_URL's form). */
        @WithDefault("postgresql")
        StoreKind kind();

        /** Whether capture stores to SQL Server. */
        default boolean sqlServer() {
            return kind().sqlServer();
        }

        Mssql mssql();

        /** How often an unreachable or unmigrated SQL Server is tried again (one error logged per try). */
        @WithDefault("5s")
        Duration retryInterval();

        /**
         * Whether the service applies its schema migrations at start (Flyway). Off when a DBA applies
         * the scripts (or Flyway cannot run, as on Babelfish): the service then checks the schema version
         * it needs and stays not ready, naming the missing versions, until they are there.
         */
        boolean migrateAtStart();

        /**
         * How long a writer may sit in an open transaction without sending anything before it counts
         * as frozen (a stopped VM, a long pause) and its transaction is ended, so the keys' new owner
         * does not wait on its row locks: PostgreSQL's and Babelfish's idle_in_transaction_session_timeout,
         * and on SQL Server the age past which a blocking session of another instance is ended
         * ({@link Mssql#endFrozenWriters()}).
         */
        Duration idleInTransactionTimeout();

        /** Attempts of a transaction the database chose as a deadlock or serialization victim. */
        @WithDefault("5")
        int transactionRetries();

        /**
         * How often an instance looks for positions whose lot books are not built yet (a database from
         * before the books) and builds them, key by key, while capture runs; it stops looking once a
         * pass finds none.
         */
        @WithDefault("30s")
        Duration lotBuildInterval();

        /**
         * How often an instance books the lot changes its captures queued (its keys' lot books follow
         * capture by about this much, and a position read books its key's queue itself); also how often
         * it looks for changes queued by an instance that stopped before booking them, older than
         * {@link #lotOrphanAge()}.
         */
        @WithDefault("1s")
        Duration lotBookInterval();

        /** Age past which queued lot changes are booked by any instance (their capturer stopped first). */
        @WithDefault("30s")
        Duration lotOrphanAge();

        /**
         * Consumer lag (records, this instance's partitions) above which lot booking waits, capture
         * first: the books catch up once the backlog drains (a position read books its own key).
         */
        @WithDefault("5000")
        long lotDeferLag();
    }

    /** The SQL Server connection (DATABASE_URL's jdbc:sqlserver:// form fills host, port, database and TLS). */
    interface Mssql {
        @WithDefault("localhost")
        String host();

        @WithDefault("1433")
        int port();

        @WithDefault("tradecapture")
        String database();
        String user();
        String password();
        int poolSize();

        /**
         * SQL Server's and Babelfish's {@code SET LOCK_TIMEOUT} on every session: a statement waiting
         * longer for a row lock fails (1222, or Babelfish's 33557097 "lock timeout") and its batch is
         * retried, instead of waiting as long as the holder keeps its transaction open.
         */
        Duration lockTimeout();

        /**
         * On a lock timeout, end the sessions of other instances of this service that sit idle in an
         * open transaction for longer than {@link Store#idleInTransactionTimeout()} (frozen writers
         * whose keys are owned elsewhere by now) with {@code KILL}: needs {@code ALTER ANY CONNECTION}
         * and {@code VIEW SERVER STATE}. Without the grant each such session is logged as an ERROR and
         * named in the capture stall, and capture waits for the freeze to end.
         */
        boolean endFrozenWriters();

        /** TLS to the server (SQL Server's encrypt=true). */
        @WithDefault("true")
        boolean encrypt();

        /** Accept any server certificate: only for a test server with a self-signed one. */
        @WithDefault("false")
        boolean trustServerCertificate();

        /** A JKS or PKCS#12 trust store with the server's CA, when it is not in the JVM's default one. */
        Optional<String> trustStore();

        Optional<String> trustStorePassword();
    }

    interface Topics {
        /** Input topic of trade capture requests, keyed by partition key. */
        String in();

        /** Output topic of captured swap blotters. */
        String captured();

        /** Rejected records, original payload untouched, reason in headers. */
        String dlq();
    }

    interface Lock {
        /**
         * Lock lease. A running batch renews its locks every third of this, so it bounds how long a
         * dead or stalled owner's keys stay locked, not how long a batch may take.
         */
        Duration ttl();

        /** First wait after a contended acquisition; doubles up to {@link #maxBackoff()}, with jitter. */
        @WithDefault("10ms")
        Duration initialBackoff();

        @WithDefault("500ms")
        Duration maxBackoff();

        /** A batch waiting longer than this for its locks is logged as a warning (it keeps waiting). */
        @WithDefault("10s")
        Duration waitWarning();

        /**
         * Keys per pipelined Redis round trip (two commands each). A batch's keys go in chunks of this
         * size one after another, so a batch of any key diversity stays within the client's queue of
         * commands awaiting replies (2,048 by default).
         */
        @WithDefault("500")
        int keysPerRoundTrip();
    }

    interface Retry {
        /** First wait after a failed batch (a dependency down, a fenced write); doubles with jitter. */
        @WithDefault("100ms")
        Duration initialBackoff();

        /** Longest wait between attempts while a dependency stays down. Capture never skips a batch. */
        Duration maxBackoff();
    }

    interface Reference {
        /**
         * Bound on stale reference data: the database's reference-data version is checked this often
         * and the cache reloaded when it changed (by any instance's admin API, or by hand).
         */
        Duration maxStaleness();
    }

    interface Producer {
        /** How long the event producer waits to fill a broker batch. */
        @WithDefault("2")
        int lingerMs();

        /** Compression of published events (none, lz4, zstd, snappy, gzip); JSON blotters shrink ~4x with lz4. */
        String compression();

        /**
         * The producer's {@code max.request.size}; a captured event larger than this (less 1 KiB for the
         * key and framing) is set aside as EVENT_TOO_LARGE before anything is stored. Keep it within the
         * broker's {@code message.max.bytes}.
         */
        @WithDefault("1048576")
        int maxRequestSize();

        /** Bytes of a batch's events sent before waiting for their acknowledgements; the rest follow. */
        @WithDefault("16777216")
        int maxInFlightBytes();
    }

    interface Http {
        /** Bearer-token checks on the API; off only for a test environment whose clients send no token. */
        boolean authEnabled();

        /** How long a request waits for another request with the same Idempotency-Key to be acknowledged. */
        @WithDefault("10s")
        Duration idempotencyWait();

        /** A reservation never acknowledged for this long belonged to an instance that died: it is taken over. */
        @WithDefault("30s")
        Duration reservationTimeout();

        /**
         * How long a job (and its Idempotency-Key) is kept after acceptance. A retry with the same key
         * after this is a new job; capture still applies the trade version once.
         */
        @WithDefault("30d")
        Duration jobRetention();

        Callback callback();

        RateLimit rateLimit();
    }

    /**
     * HTTP ingest's rate limits (the replaced service's names). Defaults suit one instance's HTTP
     * capacity (~750-1,100 posts/s): one caller may take about half of it, one partition key well
     * over what operators rebooking by hand and a retrying client need (the replaced service allowed 10/s).
     */
    interface RateLimit {
        /** RATE_LIMIT_ENABLED. */
        boolean enabled();

        /** RATE_LIMIT_GLOBAL_RPS: trades a second each caller may post (over all its keys). */
        long globalRps();

        /** RATE_LIMIT_GLOBAL_BURST: how many a caller may post at once before the rate applies. */
        long globalBurst();

        /** RATE_LIMIT_PER_PARTITION_RPS: trades a second for one partition key. */
        long perPartitionRps();

        /** RATE_LIMIT_PER_PARTITION_BURST. */
        long perPartitionBurst();
    }

    /** Delivery of a job's outcome to its {@code X-Callback-Url}: at least once, with backoff, by any instance. */
    interface Callback {
        /**
         * CALLBACK_ALLOWED_HOSTS: where callbacks may go, host patterns ({@code *}, {@code *.example.com},
         * {@code hooks.example.com}, an IP address; each optionally {@code :port}). Internal addresses
         * (loopback, link-local, private) only where a pattern other than {@code *} names the host.
         */
        List<String> allowedHosts();

        /** How often due callbacks are looked for (and a job still being captured is looked at again). */
        @WithDefault("1s")
        Duration interval();

        /** Jobs claimed per sweep; a full sweep is followed at once by the next. */
        @WithDefault("100")
        int batchSize();

        /** Time allowed for the receiver to answer one delivery. */
        @WithDefault("5s")
        Duration timeout();

        /** Wait after the first failed delivery; doubles per attempt up to {@link #maxBackoff()}. */
        @WithDefault("1s")
        Duration initialBackoff();

        @WithDefault("5m")
        Duration maxBackoff();

        /** Deliveries tried before the callback is marked FAILED (the job itself is unaffected). */
        @WithDefault("10")
        int maxAttempts();
    }
}
